package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Normalisation layers as functions of their weights. */
final class Norms {
    private Norms() {}

    /**
     * Llama's RMSNorm, computed in fp32 and cast back as transformers' LlamaRMSNorm does (differentiably, see
     * {@link Casts}).
     */
    static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
        DataType in = x.getDataType();
        NDArray x32 = Casts.to(x, DataType.FLOAT32);
        NDArray variance = x32.square().mean(new int[] {-1}, true);
        NDArray normed = x32.div(variance.add(eps).sqrt());
        return Casts.to(normed, in).mul(weight);
    }

    /** LayerNorm over the last axis. */
    static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(x.getShape().get(x.getShape().dimension() - 1)),
                weight, bias, eps).singletonOrThrow();
    }
}
