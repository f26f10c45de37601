package io.unimllm.experts.region;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.router.spi.Detection;
import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.InputKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Detection by the MLLM itself: the boxes the model wrote in a detect task become detections labelled with the task's
 * arguments (score 1). The right expert when the model localises well on its own (as the shapes model does); route
 * "detect" to a real detector for open-world photos.
 */
public final class GroundingDetections implements ExpertModel {
    /** Expert name used in routes. */
    public static final String NAME = "grounding-detections";

    /** The expert; it holds nothing, so closing it is not needed. */
    public GroundingDetections() {
    }

    @Override
    public ExpertDescriptor describe() {
        return new ExpertDescriptor(NAME, Set.of("detect"), Set.of(InputKind.BOX, InputKind.TEXT),
                Set.of(InputKind.BOX), 0);
    }

    @Override
    public ExpertResult run(ExpertRequest request) {
        List<Detection> out = new ArrayList<>();
        for (Grounding g : request.task().groundings()) {
            if (g.geometry() instanceof Box b) {
                out.add(new Detection(b, g.label().orElse(request.task().arguments()), 1.0));
            }
        }
        return ExpertResult.ofDetections(out);
    }
}
