package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;

/**
 * A linear map {@code y = x W^T (+ b)} over the last axis. An interface so that training can wrap a layer (for
 * example with a LoRA adapter) without the model knowing.
 */
public interface Linear {

    /** Applies the map to {@code x} of shape {@code [..., inFeatures]}. */
    NDArray apply(NDArray x);

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
