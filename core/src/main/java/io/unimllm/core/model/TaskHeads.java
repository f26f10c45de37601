package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The TPO-style task heads a checkpoint may carry in {@code heads.safetensors}, loaded with the model into its
 * manager: a {@link RegionHead} (a box for a task token's hidden state) and a {@link MaskPromptHead} (a point
 * prompt for a segmenter). Each is optional. Outputs are normalised to the image, {@code [0, 1]} on each axis; what
 * to do with them (which tasks get a box or a point, the conversion to pixels) is the caller's policy.
 *
 * <p>Not thread-safe on its own: like the model, use it from one thread at a time.
 */
public final class TaskHeads {
    private final NDManager manager;
    private final DataType dtype;
    private final RegionHead region;
    private final MaskPromptHead maskPrompt;

    private TaskHeads(NDManager manager, DataType dtype, RegionHead region, MaskPromptHead maskPrompt) {
        this.manager = manager;
        this.dtype = dtype;
        this.region = region;
        this.maskPrompt = maskPrompt;
    }

    /** Heads of a checkpoint that has none. */
    static TaskHeads none(NDManager manager, DataType dtype) {
        return new TaskHeads(manager, dtype, null, null);
    }

    /** Loads whichever heads {@code dir/heads.safetensors} holds, into {@code manager} at {@code dtype}. */
    static TaskHeads load(Path dir, NDManager manager, DataType dtype, int hidden) {
        return new TaskHeads(manager, dtype, RegionHead.load(dir, manager, dtype, hidden).orElse(null),
                MaskPromptHead.load(dir, manager, dtype, hidden).orElse(null));
    }

    /**
     * The region head.
     *
     * @return the head, when the checkpoint has one
     */
    public Optional<RegionHead> region() {
        return Optional.ofNullable(region);
    }

    /**
     * The mask-prompt head.
     *
     * @return the head, when the checkpoint has one
     */
    public Optional<MaskPromptHead> maskPrompt() {
        return Optional.ofNullable(maskPrompt);
    }

    /**
     * The region head's box for one hidden state, clamped to the image and with ordered corners.
     *
     * @param hidden a task token's last-layer hidden state
     * @return {@code {x1, y1, x2, y2}} normalised to {@code [0, 1]}, {@code x1 <= x2}, {@code y1 <= y2}
     * @throws IllegalStateException when the checkpoint has no region head
     */
    public double[] regionBox(float[] hidden) {
        if (region == null) {
            throw new IllegalStateException("this checkpoint has no region head (" + RegionHead.FILE + ")");
        }
        float[] b = run(region::apply, hidden);
        double x1 = clamp(b[0]);
        double y1 = clamp(b[1]);
        return new double[] {x1, y1, Math.max(x1, clamp(b[2])), Math.max(y1, clamp(b[3]))};
    }

    /**
     * The mask-prompt head's point for one hidden state, clamped to the image.
     *
     * @param hidden a task token's last-layer hidden state
     * @return {@code {x, y}} normalised to {@code [0, 1]}
     * @throws IllegalStateException when the checkpoint has no mask-prompt head
     */
    public double[] maskPromptPoint(float[] hidden) {
        if (maskPrompt == null) {
            throw new IllegalStateException("this checkpoint has no mask-prompt head (" + MaskPromptHead.FILE + ")");
        }
        float[] p = run(maskPrompt::apply, hidden);
        return new double[] {clamp(p[0]), clamp(p[1])};
    }

    /** A head's raw fp32 output for one hidden state, computed in a scope of its own. */
    private float[] run(UnaryOperator<NDArray> head, float[] hidden) {
        try (NDManager m = manager.newSubManager()) {
            NDArray h = m.create(hidden, new Shape(1, hidden.length)).toType(dtype, false);
            return head.apply(h).toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    private static double clamp(float v) {
        return Math.max(0, Math.min(1, v));
    }
}
