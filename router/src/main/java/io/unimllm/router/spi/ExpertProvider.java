package io.unimllm.router.spi;

import java.util.List;
import java.util.Map;

/**
 * Discovers experts through {@link java.util.ServiceLoader}: list the implementation's class name in
 * {@code META-INF/services/io.unimllm.router.spi.ExpertProvider}.
 */
public interface ExpertProvider {

    /**
     * Creates the experts this provider offers.
     *
     * @param options settings from the model's {@code unimllm.json} {@code experts} section and from code,
     *     for example a model directory; unknown keys are ignored
     */
    List<ExpertModel> create(Map<String, String> options) throws Exception;
}
