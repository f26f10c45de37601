package io.unimllm.core.model;

/**
 * How the decoder lays out its work, chosen once at load ({@link LoadOptions.Builder#plan(DecoderPlan)}) and fixed
 * for the model's life. Every plan computes the same numbers; they differ in speed, memory and in whether gradients
 * can flow (docs/architecture.md, "How the decoder lays out its work").
 *
 * @param stackedProjections q/k/v and gate/up run as one stacked product each (inference: fewer, larger products);
 *     gradients do not reach the projections' own weights through it, so training needs it off
 * @param scriptedDecode a decode step with the KV cache runs as one TorchScript call ({@code ScriptedDecodeStep});
 *     needs the stacked projections
 * @param packedWeights steps and logits of several rows multiply with oneDNN-packed copies of the projection and
 *     lm_head weights (fp32 CPU; the weights are held twice, and the copies do not follow in-place changes); needs
 *     the scripted step
 */
public record DecoderPlan(boolean stackedProjections, boolean scriptedDecode, boolean packedWeights) {
    private static final DecoderPlan INFERENCE = new DecoderPlan(true, true, false);
    private static final DecoderPlan TRAINING = new DecoderPlan(false, false, false);

    /**
     * Checks that the choices fit together.
     *
     * @param stackedProjections q/k/v and gate/up run as one stacked product each
     * @param scriptedDecode a decode step with the KV cache runs as one TorchScript call
     * @param packedWeights steps and logits of several rows multiply with oneDNN-packed weight copies
     * @throws IllegalArgumentException when the scripted step is asked for without the stacked projections, or
     *     packed weights without the scripted step
     */
    public DecoderPlan {
        if (scriptedDecode && !stackedProjections) {
            throw new IllegalArgumentException("the scripted decode step runs on the stacked projections: "
                    + "scriptedDecode needs stackedProjections");
        }
        if (packedWeights && !scriptedDecode) {
            throw new IllegalArgumentException("packed weights are used by the scripted decode step: packedWeights "
                    + "needs scriptedDecode");
        }
    }

    /**
     * The default: stacked projections and the scripted decode step, no packed copies.
     *
     * @return the inference plan
     */
    public static DecoderPlan inference() {
        return INFERENCE;
    }

    /**
     * The plan the {@code Trainer} asks for: one product per projection, every step operation by operation, so that
     * gradients reach each projection's own weight and in-place updates are seen by every later pass.
     *
     * @return the training plan
     */
    public static DecoderPlan training() {
        return TRAINING;
    }

    /**
     * Operation by operation from Java, with the stacked projections (the decode path before the scripted step; for
     * benchmarks and comparisons).
     *
     * @return the plan without the scripted step
     */
    public static DecoderPlan operationByOperation() {
        return new DecoderPlan(true, false, false);
    }

    /**
     * The inference plan with oneDNN-packed weight copies for steps of several rows (batched decoding).
     *
     * @return the plan for batched decoding at the cost of a second copy of the projection and lm_head weights
     */
    public static DecoderPlan packedForBatches() {
        return new DecoderPlan(true, true, true);
    }

    /**
     * Whether a model with this plan can be trained: no stacked products (gradients must reach each projection) and
     * no packed copies (they would go stale).
     *
     * @return true when training may run on it
     */
    public boolean trainable() {
        return !stackedProjections && !packedWeights;
    }
}
