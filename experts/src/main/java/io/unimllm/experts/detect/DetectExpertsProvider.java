package io.unimllm.experts.detect;

import io.unimllm.experts.convert.ExpertArtifact;
import io.unimllm.experts.convert.ExpertArtifacts;
import io.unimllm.experts.convert.ProviderOptions;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Offers the {@link CenterNetDetector} to the router through {@link java.util.ServiceLoader}.
 *
 * <p>Options: {@code centernet.path} (the converted file; default: see {@link ExpertArtifacts#locate}),
 * {@code experts.cache} (directory of converted files), {@code centernet.enabled} ({@code false} offers nothing),
 * {@code centernet.minScore}, {@code centernet.promptedMinScore}, {@code centernet.iou},
 * {@code centernet.maxDetections}, {@code centernet.priority}.
 * A missing model file is an {@link io.unimllm.experts.convert.ExpertArtifactMissingException}, which makes the router
 * skip this provider with a warning.
 */
public final class DetectExpertsProvider implements ExpertProvider {
    /** A provider; {@link java.util.ServiceLoader} calls this. */
    public DetectExpertsProvider() {
    }

    @Override
    public List<ExpertModel> create(Map<String, String> options) throws Exception {
        if (!ProviderOptions.enabled(options, "centernet.enabled")) {
            return List.of();
        }
        Path file = ExpertArtifacts.require(ExpertArtifact.CENTERNET, options);
        CenterNetDetector.Config d = CenterNetDetector.Config.DEFAULT;
        CenterNetDetector.Config config = new CenterNetDetector.Config(
                ProviderOptions.number(options, "centernet.minScore", d.minScore()),
                ProviderOptions.number(options, "centernet.promptedMinScore", d.promptedMinScore()),
                ProviderOptions.number(options, "centernet.iou", d.iouThreshold()),
                (int) ProviderOptions.number(options, "centernet.maxDetections", d.maxDetections()),
                (int) ProviderOptions.number(options, "centernet.priority", d.priority()));
        return List.of(CenterNetDetector.load(file, config));
    }

}
