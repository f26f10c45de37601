package io.unimllm.core.model;

/**
 * Linear layers over the same input stored as one: {@code fused} stacks the parts' weights row-wise, and each part's
 * weight is a view into the same storage, so the two always agree (an in-place update of a part is seen by the
 * fused layer).
 *
 * @param fused the stacked layer
 * @param parts the layers in stacking order
 */
public record FusedLinear(DenseLinear fused, DenseLinear[] parts) {

    /**
     * Output sizes of the parts, the split points of the fused output.
     *
     * @return each part's {@code outFeatures}, in stacking order
     */
    public long[] splitSizes() {
        long[] sizes = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            sizes[i] = parts[i].outFeatures();
        }
        return sizes;
    }
}
