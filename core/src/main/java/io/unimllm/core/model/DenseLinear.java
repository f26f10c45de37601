package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;

/** A plain linear layer over a weight and an optional bias. */
public record DenseLinear(NDArray weight, NDArray bias) implements Linear {

    @Override
    public NDArray apply(NDArray x) {
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
