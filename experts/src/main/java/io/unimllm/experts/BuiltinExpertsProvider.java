package io.unimllm.experts;

import io.unimllm.experts.edit.MaskEditor;
import io.unimllm.experts.region.ColourRegionSegmenter;
import io.unimllm.experts.region.GroundingDetections;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertProvider;
import java.util.List;
import java.util.Map;

/** The experts that need no model files: colour-region segmentation, mask-guided editing, grounding detections. */
public final class BuiltinExpertsProvider implements ExpertProvider {
    @Override
    public List<ExpertModel> create(Map<String, String> options) {
        return List.of(new ColourRegionSegmenter(), new MaskEditor(), new GroundingDetections());
    }
}
