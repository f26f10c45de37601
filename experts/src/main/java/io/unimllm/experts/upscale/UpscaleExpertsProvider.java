package io.unimllm.experts.upscale;

import io.unimllm.experts.convert.ExpertArtifact;
import io.unimllm.experts.convert.ExpertArtifacts;
import io.unimllm.experts.convert.ProviderOptions;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Offers the {@link EsrganUpscaler} through {@link java.util.ServiceLoader}. Options: {@code esrgan.path} (the
 * converted file; default: see {@link ExpertArtifacts#locate}), {@code experts.cache}, {@code esrgan.enabled}
 * ({@code false} offers nothing), {@code esrgan.maxInputPixels}, {@code esrgan.priority}. A missing model file is an
 * {@link io.unimllm.experts.convert.ExpertArtifactMissingException}, which makes the router skip this provider with a
 * warning.
 */
public final class UpscaleExpertsProvider implements ExpertProvider {
    /** A provider; {@link java.util.ServiceLoader} calls this. */
    public UpscaleExpertsProvider() {
    }

    @Override
    public List<ExpertModel> create(Map<String, String> options) throws Exception {
        if (!ProviderOptions.enabled(options, "esrgan.enabled")) {
            return List.of();
        }
        Path file = ExpertArtifacts.require(ExpertArtifact.ESRGAN_SLIM_X2, options);
        EsrganUpscaler.Config d = EsrganUpscaler.Config.DEFAULT;
        EsrganUpscaler.Config config = new EsrganUpscaler.Config(
                integer(options, "esrgan.maxInputPixels", d.maxInputPixels()),
                (int) integer(options, "esrgan.priority", d.priority()));
        return List.of(EsrganUpscaler.load(file, config));
    }

    private static long integer(Map<String, String> options, String key, long fallback) {
        String v = options.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option '" + key + "' must be an integer, got '" + v + "'", e);
        }
    }
}
