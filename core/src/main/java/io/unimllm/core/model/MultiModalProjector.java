package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;

/** LLaVA's two-layer MLP projector ({@code multi_modal_projector.linear_1 -> act -> linear_2}). */
public final class MultiModalProjector {
    private final Linear linear1;
    private final Linear linear2;
    private final Activation act;

    public MultiModalProjector(WeightLoader w, String prefix, long visionHidden, long textHidden, String act, boolean bias) {
        this.linear1 = w.linear(prefix + "linear_1", textHidden, visionHidden, bias);
        this.linear2 = w.linear(prefix + "linear_2", textHidden, textHidden, bias);
        this.act = Activation.byName(act);
    }

    /** Maps {@code [B, n, visionHidden]} features to {@code [B, n, textHidden]} embeddings. */
    public NDArray apply(NDArray features) {
        return linear2.apply(act.apply(linear1.apply(features)));
    }
}
