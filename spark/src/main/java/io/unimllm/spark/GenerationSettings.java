package io.unimllm.spark;

import io.unimllm.core.generate.GenerationConfig;
import java.io.Serializable;

/**
 * The generation settings a transformer sets explicitly, as they travel to the executors; each null component leaves
 * the runtime's default (unimllm.json's max_new_tokens, greedy decoding) in place.
 *
 * @param maxNewTokens the most tokens an answer may have, or null
 * @param temperature the sampling temperature (0 for greedy), or null
 * @param topK top-k sampling (0 for off), or null
 * @param topP nucleus sampling (1 for off), or null
 * @param repetitionPenalty the repetition penalty (1 for off), or null
 * @param seed the sampling seed, or null
 */
record GenerationSettings(Integer maxNewTokens, Double temperature, Integer topK, Double topP,
        Double repetitionPenalty, Long seed) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The settings as the runtime takes them, laid over its defaults.
     *
     * @return the settings, or null when none is set
     */
    GenerationConfig toConfig() {
        if (maxNewTokens == null && temperature == null && topK == null && topP == null && repetitionPenalty == null
                && seed == null) {
            return null;
        }
        GenerationConfig.Builder b = GenerationConfig.builder();
        if (maxNewTokens != null) {
            b.maxNewTokens(maxNewTokens);
        }
        if (temperature != null) {
            b.temperature(temperature);
        }
        if (topK != null) {
            b.topK(topK);
        }
        if (topP != null) {
            b.topP(topP);
        }
        if (repetitionPenalty != null) {
            b.repetitionPenalty(repetitionPenalty);
        }
        if (seed != null) {
            b.seed(seed);
        }
        return b.build();
    }
}
