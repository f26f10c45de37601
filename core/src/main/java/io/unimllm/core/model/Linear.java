package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;

/**
 * A linear map {@code y = x W^T (+ b)} over the last axis. An interface so that training can wrap a layer (for
 * example with a LoRA adapter) without the model knowing.
 */
public interface Linear {

    /**
     * Applies the map to {@code x} of shape {@code [..., inFeatures]}.
     *
     * @param x the input, last axis {@code inFeatures}
     * @return the output, of the same leading shape with last axis {@code outFeatures}
     */
    NDArray apply(NDArray x);

    /**
     * Applies the map to one input row {@code x} of shape {@code [inFeatures]}, giving {@code [outFeatures]}. Dense
     * layers run it as a matrix-vector product, which libtorch does faster than a one-row matrix product.
     *
     * @param x the input row {@code [inFeatures]}
     * @return the output row {@code [outFeatures]}
     */
    default NDArray applyRow(NDArray x) {
        return apply(x.reshape(1, inFeatures())).reshape(outFeatures());
    }

    /**
     * The dense weight.
     *
     * @return the weight {@code [outFeatures, inFeatures]}
     */
    NDArray weight();

    /**
     * Number of input features.
     *
     * @return the size of the input's last axis
     */
    default long inFeatures() {
        return weight().getShape().get(1);
    }

    /**
     * Number of output features.
     *
     * @return the size of the output's last axis
     */
    default long outFeatures() {
        return weight().getShape().get(0);
    }
}
