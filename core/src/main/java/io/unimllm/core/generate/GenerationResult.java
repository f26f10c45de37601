package io.unimllm.core.generate;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The output for one prompt.
 *
 * @param tokens the generated token ids (the stop token included when there was one)
 * @param finishReason why generation ended
 * @param promptLength positions the prompt took in the context, image features included
 * @param hiddenStates last-layer hidden state (after the final norm) at each generated position whose token is
 *     in {@link GenerationConfig#keepHiddenStatesOf()}, keyed by index into {@code tokens}
 * @param timings where the time went (shared by all rows of a batch)
 */
public record GenerationResult(int[] tokens, FinishReason finishReason, int promptLength,
        Map<Integer, float[]> hiddenStates, GenerationTimings timings) {
    /**
     * Copies the tokens and the hidden-state map, so that the result is immutable (the map's arrays are not copied).
     *
     * @param tokens the generated token ids (the stop token included when there was one)
     * @param finishReason why generation ended
     * @param promptLength positions the prompt took in the context, image features included
     * @param hiddenStates kept hidden states keyed by index into {@code tokens}
     * @param timings where the time went (shared by all rows of a batch)
     */
    public GenerationResult {
        tokens = tokens.clone();
        hiddenStates = Collections.unmodifiableMap(new TreeMap<>(hiddenStates));
    }

    /**
     * The generated token ids.
     *
     * @return a copy of the token ids, the stop token included when there was one
     */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }
}
