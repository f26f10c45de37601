package io.unimllm.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Tells rows of logits that no token can be chosen from: a row holding NaN or +infinity, or all -infinity, has no
 * finite maximum (torch's max propagates NaN). A checkpoint with NaN weights gives such rows, and so can an fp16
 * overflow; argmax would then pick an arbitrary id (the first, often {@code <pad>}) and sampling a NaN distribution.
 */
final class NonFiniteLogits {
    private NonFiniteLogits() {
    }

    /**
     * Which rows of {@code [B, vocab]} logits have no finite maximum: one reduction on the device and {@code B}
     * floats to the host.
     */
    static boolean[] rows(NDArray logits) {
        float[] max = logits.max(new int[] {-1}).toType(DataType.FLOAT32, false).toFloatArray();
        boolean[] bad = new boolean[max.length];
        for (int b = 0; b < max.length; b++) {
            bad[b] = !Float.isFinite(max[b]);
        }
        return bad;
    }

    /** Whether one row of logits on the host has no finite maximum. */
    static boolean row(float[] logits, int from, int to) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            float v = logits[i];
            if (Float.isNaN(v)) {
                return true;
            }
            max = Math.max(max, v);
        }
        return !Float.isFinite(max);
    }
}
