package io.unimllm.experts.segment;

import io.unimllm.experts.convert.ExpertArtifact;
import io.unimllm.experts.convert.ExpertArtifacts;
import io.unimllm.experts.convert.ProviderOptions;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Offers the {@link SelfieSegmenter} through {@link java.util.ServiceLoader}. Options: {@code selfie.path} (the
 * converted file; default: see {@link ExpertArtifacts#locate}), {@code experts.cache}, {@code selfie.enabled}
 * ({@code false} offers nothing), {@code selfie.margin}, {@code selfie.threshold}, {@code selfie.priority}. A missing
 * model file is an {@link io.unimllm.experts.convert.ExpertArtifactMissingException}, which makes the router skip
 * this provider with a warning.
 */
public final class SegmentExpertsProvider implements ExpertProvider {
    /** A provider; {@link java.util.ServiceLoader} calls this. */
    public SegmentExpertsProvider() {
    }

    @Override
    public List<ExpertModel> create(Map<String, String> options) throws Exception {
        if (!ProviderOptions.enabled(options, "selfie.enabled")) {
            return List.of();
        }
        Path file = ExpertArtifacts.require(ExpertArtifact.SELFIE, options);
        SelfieSegmenter.Config d = SelfieSegmenter.Config.DEFAULT;
        SelfieSegmenter.Config config = new SelfieSegmenter.Config(
                ProviderOptions.number(options, "selfie.margin", d.margin()),
                ProviderOptions.number(options, "selfie.threshold", d.threshold()),
                (int) ProviderOptions.number(options, "selfie.priority", d.priority()));
        return List.of(SelfieSegmenter.load(file, config));
    }

}
