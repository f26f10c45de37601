package io.unimllm.training.train;

import java.util.List;

/**
 * A LoRA adapter set on the decoder's projections.
 *
 * @param rank adapter rank r
 * @param alpha scaling numerator: the update is {@code (alpha / r) * B A x}
 * @param targets projection names, e.g. {@code self_attn.q_proj}, {@code self_attn.v_proj}, {@code mlp.down_proj}
 */
public record LoraConfig(int rank, double alpha, List<String> targets) {
    /**
     * Validates and copies.
     *
     * @param rank adapter rank r
     * @param alpha scaling numerator: the update is {@code (alpha / r) * B A x}
     * @param targets projection names, e.g. {@code self_attn.q_proj}, {@code self_attn.v_proj}, {@code mlp.down_proj}
     */
    public LoraConfig {
        if (rank <= 0 || !(alpha > 0) || targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs rank > 0, alpha > 0 and at least one target");
        }
        targets = List.copyOf(targets);
    }

    /**
     * The factor of the low-rank update.
     *
     * @return {@code alpha / rank}
     */
    public double scale() {
        return alpha / rank;
    }
}
