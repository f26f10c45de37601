package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Dtype conversion that autograd can see through. With DJL 0.35.1 on the PyTorch engine, {@link NDArray#toType}
 * cuts the graph (backward then fails with "element 0 of tensors does not require grad"), which matters as soon as a
 * half-precision forward casts to fp32 and back (RMSNorm, softmax, the loss). For arrays that take part in a
 * gradient computation the conversion is therefore made from differentiable operations: widening as a product with a
 * one-element tensor of the wider type (type promotion), narrowing as an in-place copy into a fresh array of the
 * narrower type (PyTorch's {@code copy_} is differentiable). Outside a gradient computation (PyTorch's grad mode is
 * off, as it is everywhere but inside a {@code GradientCollector}) the plain {@code toType} is used, so inference is
 * unchanged. (Whether one array takes part cannot be asked: DJL's {@code hasGradient()} reports false for every
 * computed array, graph or not.)
 */
public final class Casts {
    private Casts() {
    }

    /**
     * {@code x} as {@code type}; differentiable while gradients are being recorded.
     *
     * @param x the array to convert
     * @param type the dtype wanted
     * @return {@code x} itself when it already has that dtype, else a new array
     */
    public static NDArray to(NDArray x, DataType type) {
        DataType from = x.getDataType();
        if (from == type) {
            return x;
        }
        if (!(x instanceof PtNDArray) || !JniUtils.isGradMode()) {
            return x.toType(type, false);
        }
        if (type.getNumOfBytes() > from.getNumOfBytes()) {
            return x.mul(x.getManager().ones(new Shape(1), type));
        }
        NDArray out = x.getManager().zeros(x.getShape(), type);
        out.set(new NDIndex("..."), x);
        return out;
    }
}
