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

    /**
     * Wraps {@code base} with an adapter.
     *
     * @param base the frozen layer
     * @param a adapter matrix A {@code [r, in]}
     * @param b adapter matrix B {@code [out, r]}
     * @param scale the factor of the low-rank update ({@code alpha / r})
     */
    public LoraLinear(Linear base, NDArray a, NDArray b, double scale) {
        this.base = base;
        this.a = a;
        this.b = b;
        this.scale = (float) scale;
    }

    /**
     * The base layer's output plus the scaled low-rank update.
     *
     * @param x the input {@code [..., in]}
     * @return the output {@code [..., out]}
     */
    @Override
    public NDArray apply(NDArray x) {
        return base.apply(x).add(x.matMul(a.transpose()).matMul(b.transpose()).mul(scale));
    }

    /**
     * The base layer's weight, without the adapter's update.
     *
     * @return the base weight {@code [out, in]}
     */
    @Override
    public NDArray weight() {
        return base.weight();
    }

    /**
     * The wrapped layer.
     *
     * @return the frozen base layer
     */
    public Linear base() {
        return base;
    }

    /**
     * Adapter matrix A.
     *
     * @return A {@code [r, in]}
     */
    public NDArray a() {
        return a;
    }

    /**
     * The factor of the low-rank update.
     *
     * @return the scale, as the float the layer multiplies by
     */
    public double scale() {
        return scale;
    }

    /**
     * Adapter matrix B.
     *
     * @return B {@code [out, r]}
     */
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
