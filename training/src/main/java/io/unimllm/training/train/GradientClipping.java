package io.unimllm.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;

/**
 * Global gradient-norm clipping that tolerates a few overflowed elements: non-finite elements of a tensor are zeroed
 * (the rest of its gradient is kept), and the norm is combined in double so that large but finite gradients do not
 * overflow fp32 when squared.
 */
final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * What {@link #clip} found.
     *
     * @param finite whether the global norm is finite, so that the update may go ahead
     * @param repairedTensors how many tensors had non-finite elements zeroed
     * @param nonFinite names of the tensors still not finite when the norm is not (empty otherwise)
     */
    record Result(boolean finite, int repairedTensors, List<String> nonFinite) {
    }

    /**
     * Zeroes the non-finite elements of {@code grads} in place and, when the global norm is finite and above
     * {@code clipNorm}, scales every gradient down to it.
     *
     * @param grads the gradients by name, changed in place
     * @param clipNorm the largest global norm kept; 0 or less: no clipping
     * @return whether the norm is finite, and what was repaired
     */
    static Result clip(Map<String, NDArray> grads, double clipNorm) {
        // per tensor: max|g| * ||g / max|g|||, combined in double, so that large but finite gradients do not
        // overflow fp32 when squared (that would look non-finite and stall training)
        double sq = 0;
        int repaired = 0;
        for (NDArray grad : grads.values()) {
            NDArray g = grad.toType(DataType.FLOAT32, false);
            double max = g.abs().max().getFloat();
            if (!Double.isFinite(max)) {
                // a few overflowed elements (inf, or NaN from inf - inf) must not freeze the whole model: they are
                // zeroed, the rest of the gradient is kept, and the step is counted as repaired
                grad.set(grad.isNaN().logicalOr(grad.isInfinite()), 0);
                g = grad.toType(DataType.FLOAT32, false);
                max = g.abs().max().getFloat();
                repaired++;
                if (!Double.isFinite(max)) {
                    sq = Double.NaN;
                    break;
                }
            }
            if (max > 0) {
                sq += max * max * g.div((float) max).square().sum().getFloat();
            }
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            List<String> nonFinite = grads.entrySet().stream()
                    .filter(e -> !Double.isFinite(e.getValue().toType(DataType.FLOAT32, false).abs()
                            .max().getFloat()))
                    .map(Map.Entry::getKey).limit(400).toList();
            return new Result(false, repaired, nonFinite);
        }
        if (clipNorm > 0 && norm > clipNorm) {
            float factor = (float) (clipNorm / (norm + 1e-6));
            for (NDArray g : grads.values()) {
                g.muli(factor);
            }
        }
        return new Result(true, repaired, List.of());
    }
}
