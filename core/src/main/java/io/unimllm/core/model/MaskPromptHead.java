package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * TPO-style mask-prompt head: a two-layer MLP ({@code hidden -> hidden/2 -> 2}) with a sigmoid on the last-layer
 * hidden state of a task token, giving a positive point prompt {@code (x, y)} normalised to the image, in [0, 1], for
 * a point- or box-and-point-prompted segmentation expert. Trained to hit a pixel inside the target mask. Stored in
 * {@code heads.safetensors} next to the {@link RegionHead} under {@code mask_prompt_head.fc1.weight/bias},
 * {@code mask_prompt_head.fc2.weight/bias}; either head may be present without the other.
 */
public final class MaskPromptHead {
    /** File holding task heads in a checkpoint directory (shared with {@link RegionHead}). */
    public static final String FILE = MlpHead.FILE;
    /** Prefix of the mask-prompt head's tensors. */
    public static final String PREFIX = "mask_prompt_head.";
    private static final int OUT = 2;

    private final MlpHead mlp;

    private MaskPromptHead(MlpHead mlp) {
        this.mlp = mlp;
    }

    /**
     * A head over the given layers ({@code fc1: [h/2, h]}, {@code fc2: [2, h/2]}).
     *
     * @param fc1 the first layer, with bias
     * @param fc2 the second layer, with bias
     */
    public MaskPromptHead(DenseLinear fc1, DenseLinear fc2) {
        this(new MlpHead(PREFIX, fc1, fc2));
    }

    /**
     * A freshly initialised head in fp32: He-normal first layer, small normal second layer, zero biases, so that points
     * start near the centre. Seeds the engine's random generator with {@code seed}.
     *
     * @param manager owner of the new arrays
     * @param hidden the decoder's hidden size
     * @param seed the random seed
     * @return the head
     */
    public static MaskPromptHead initialise(NDManager manager, int hidden, long seed) {
        return new MaskPromptHead(MlpHead.initialise(PREFIX, manager, hidden, OUT, seed));
    }

    /**
     * Loads the head from {@code dir/heads.safetensors}; empty when the file is absent or holds no mask-prompt head.
     *
     * @param dir the checkpoint directory
     * @param manager owner of the loaded arrays (the model's manager)
     * @param dtype compute dtype
     * @param hidden the decoder's hidden size
     * @return the head, or empty
     * @throws io.unimllm.core.CheckpointException when the file is corrupt or the head's tensors have other shapes
     */
    public static Optional<MaskPromptHead> load(Path dir, NDManager manager, DataType dtype, int hidden) {
        return MlpHead.load(PREFIX, dir, manager, dtype, hidden, OUT).map(MaskPromptHead::new);
    }

    /**
     * Points for hidden states.
     *
     * @param hidden {@code [N, hidden]} task-token hidden states, in the head's dtype
     * @return {@code [N, 2]} as normalised {@code x, y} in [0, 1]
     */
    public NDArray apply(NDArray hidden) {
        return Activation.sigmoid(mlp.apply(hidden));
    }

    /**
     * The head's tensors by checkpoint name, for training and saving.
     *
     * @return a new map of the live arrays, fc1 then fc2
     */
    public Map<String, NDArray> parameters() {
        return mlp.parameters();
    }
}
