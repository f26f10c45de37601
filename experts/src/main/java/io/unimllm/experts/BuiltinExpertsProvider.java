package io.unimllm.experts;

import io.unimllm.experts.edit.MaskEditor;
import io.unimllm.experts.region.ColourRegionSegmenter;
import io.unimllm.experts.region.GroundingDetections;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertProvider;
import java.util.List;
import java.util.Map;

/**
 * Offers the experts that need no model files through {@link java.util.ServiceLoader}: the
 * {@link ColourRegionSegmenter}, the {@link MaskEditor} and {@link GroundingDetections}. It reads no options and
 * always offers all three.
 */
public final class BuiltinExpertsProvider implements ExpertProvider {
    /** A provider; {@link java.util.ServiceLoader} calls this. */
    public BuiltinExpertsProvider() {
    }

    @Override
    public List<ExpertModel> create(Map<String, String> options) {
        return List.of(new ColourRegionSegmenter(), new MaskEditor(), new GroundingDetections());
    }
}
