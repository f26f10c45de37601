package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;

/**
 * A linear map {@code y = x W^T (+ b)} over the last axis. An interface so that training can wrap a layer (for
 * example with a LoRA adapter) without the model knowing.
 */
public interface Linear {

    /** Applies the map to {@code x} of shape {@code [..., inFeatures]}. */
    NDArray apply(NDArray x);

    /**
     * Applies the map to one input row {@code x} of shape {@code [inFeatures]}, giving {@code [outFeatures]}. Dense
     * layers run it as a matrix-vector product, which libtorch does faster than a one-row matrix product.
     */
    default NDArray applyRow(NDArray x) {
        return apply(x.reshape(1, inFeatures())).reshape(outFeatures());
    }

    /** The dense weight {@code [outFeatures, inFeatures]}. */
    NDArray weight();

    /** Number of input features. */
    default long inFeatures() {
        return weight().getShape().get(1);
    }

    /** Number of output features. */
    default long outFeatures() {
        return weight().getShape().get(0);
    }
}
