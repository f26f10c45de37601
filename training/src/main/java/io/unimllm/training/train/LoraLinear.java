package io.unimllm.training.train;

import ai.djl.ndarray.NDArray;
import io.unimllm.core.model.Linear;

/**
 * A frozen linear layer plus a low-rank update: {@code y = base(x) + scale * (x A^T) B^T}, with {@code A: [r, in]}
 * and {@code B: [out, r]} (B starts at zero, so the adapter starts as the identity change).
 */
public final class LoraLinear implements Linear {
    private final Linear base;
    private final NDArray a;
    private final NDArray b;
    private final float scale;

    /** Wraps {@code base}. */
    public LoraLinear(Linear base, NDArray a, NDArray b, double scale) {
        this.base = base;
        this.a = a;
        this.b = b;
        this.scale = (float) scale;
    }

    @Override
    public NDArray apply(NDArray x) {
        return base.apply(x).add(x.matMul(a.transpose()).matMul(b.transpose()).mul(scale));
    }

    @Override
    public NDArray weight() {
        return base.weight();
    }

    /** The wrapped layer. */
    public Linear base() {
        return base;
    }

    /** Adapter matrix A {@code [r, in]}. */
    public NDArray a() {
        return a;
    }

    /** The factor of the low-rank update. */
    public double scale() {
        return scale;
    }

    /** Adapter matrix B {@code [out, r]}. */
    public NDArray b() {
        return b;
    }

    /** Adds {@code scale * B A} into the base weight in place (inference then needs no adapter). */
    public void mergeIntoBase() {
        NDArray delta = b.matMul(a).mul(scale);
        base.weight().addi(delta);
        delta.close();
    }
}
