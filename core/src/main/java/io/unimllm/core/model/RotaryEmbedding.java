package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * Llama's rotary position embedding in the "rotate half" layout. {@code rotate_half(x)} is computed as
 * {@code x @ R} with a fixed signed permutation matrix, which costs one op instead of slice/neg/concat.
 */
final class RotaryEmbedding {
    private final NDArray cos;
    private final NDArray sin;
    private final NDArray rotateHalf;

    RotaryEmbedding(NDManager manager, int headDim, int maxPositions, double theta, DataType dtype) {
        int half = headDim / 2;
        float[] c = new float[maxPositions * headDim];
        float[] s = new float[maxPositions * headDim];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                // Same float32 arithmetic as transformers: inv_freq in fp32, then position * inv_freq in fp32.
                float invFreq = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
                float angle = p * invFreq;
                float cv = (float) Math.cos(angle);
                float sv = (float) Math.sin(angle);
                c[p * headDim + i] = cv;
                c[p * headDim + i + half] = cv;
                s[p * headDim + i] = sv;
                s[p * headDim + i + half] = sv;
            }
        }
        float[] r = new float[headDim * headDim];
        for (int j = 0; j < half; j++) {
            r[(j + half) * headDim + j] = -1f; // out[j] = -x[j + half]
            r[j * headDim + j + half] = 1f; // out[j + half] = x[j]
        }
        cos = manager.create(c, new Shape(maxPositions, headDim)).toType(dtype, false);
        sin = manager.create(s, new Shape(maxPositions, headDim)).toType(dtype, false);
        rotateHalf = manager.create(r, new Shape(headDim, headDim)).toType(dtype, false);
    }

    /** cos and sin tables gathered at {@code positions} ({@code [B, T]}): each {@code [B, T, D]}. */
    NDArray[] cosSin(NDArray positions) {
        return new NDArray[] {Embedding.embedding(positions, cos, SparseFormat.DENSE).singletonOrThrow(),
            Embedding.embedding(positions, sin, SparseFormat.DENSE).singletonOrThrow()};
    }

    /** The cos {@code [P, D]}, sin {@code [P, D]} and rotate-half {@code [D, D]} tables. */
    NDArray[] tables() {
        return new NDArray[] {cos, sin, rotateHalf};
    }

    /** {@code x * cos + rotate_half(x) * sin}, with cos/sin broadcastable to {@code x}. */
    NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(x.matMul(rotateHalf).mul(sin));
    }
}
