package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;

/** LLaVA's two-layer MLP projector ({@code multi_modal_projector.linear_1 -> act -> linear_2}). */
public final class MultiModalProjector {
    private final Linear linear1;
    private final Linear linear2;
    private final Activation act;

    /**
     * Loads the projector's two layers.
     *
     * @param w the loader reading the checkpoint
     * @param prefix the prefix of the projector's weights, e.g. {@code "multi_modal_projector."}
     * @param visionHidden the vision tower's width
     * @param textHidden the decoder's width
     * @param act the activation between the layers ({@code projector_hidden_act})
     * @param bias whether the layers have biases
     * @throws io.unimllm.core.CheckpointException when a weight is missing or of another shape
     * @throws io.unimllm.protocol.UnimllmException when {@code act} is an activation this runtime lacks
     */
    public MultiModalProjector(WeightLoader w, String prefix, long visionHidden, long textHidden, String act, boolean bias) {
        this.linear1 = w.linear(prefix + "linear_1", textHidden, visionHidden, bias);
        this.linear2 = w.linear(prefix + "linear_2", textHidden, textHidden, bias);
        this.act = Activation.byName(act);
    }

    /**
     * Maps vision features to decoder embeddings.
     *
     * @param features {@code [B, n, visionHidden]} vision features
     * @return {@code [B, n, textHidden]} embeddings
     */
    public NDArray apply(NDArray features) {
        return linear2.apply(act.apply(linear1.apply(features)));
    }
}
