package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * TPO-style region head: a two-layer MLP ({@code hidden -> hidden/2 -> 4}) on the last-layer hidden state of a task
 * token, giving a box normalised to the image as {@code (x1, y1, x2, y2)}. The MLP predicts centre and size
 * through a sigmoid, so the corners are always ordered; a box may reach past the image's edges
 * ({@link TaskHeads#regionBox} clamps it to [0, 1]). Stored in {@code heads.safetensors} next to the model weights
 * under the names {@code region_head.fc1.weight/bias}, {@code region_head.fc2.weight/bias}.
 */
public final class RegionHead {
    /** File holding task heads in a checkpoint directory. */
    public static final String FILE = MlpHead.FILE;
    /** Prefix of the region head's tensors. */
    public static final String PREFIX = "region_head.";
    private static final int OUT = 4;

    private final MlpHead mlp;

    /**
     * A head over the given layers ({@code fc1: [h/2, h]}, {@code fc2: [4, h/2]}).
     *
     * @param fc1 the first layer, with bias
     * @param fc2 the second layer, with bias
     */
    public RegionHead(DenseLinear fc1, DenseLinear fc2) {
        this(new MlpHead(PREFIX, fc1, fc2));
    }

    private RegionHead(MlpHead mlp) {
        this.mlp = mlp;
    }

    /**
     * A freshly initialised head in fp32: He-normal first layer, small normal second layer, zero biases. Seeds the
     * engine's random generator with {@code seed}.
     *
     * @param manager owner of the new arrays
     * @param hidden the decoder's hidden size
     * @param seed the random seed
     * @return the head
     */
    public static RegionHead initialise(NDManager manager, int hidden, long seed) {
        return new RegionHead(MlpHead.initialise(PREFIX, manager, hidden, OUT, seed));
    }

    /**
     * Loads the head from {@code dir/heads.safetensors}; empty when the file is absent or holds no region head.
     *
     * @param dir the checkpoint directory
     * @param manager owner of the loaded arrays (the model's manager)
     * @param dtype compute dtype
     * @param hidden the decoder's hidden size
     * @return the head, or empty
     * @throws io.unimllm.core.CheckpointException when the file is corrupt or the head's tensors have other shapes
     */
    public static Optional<RegionHead> load(Path dir, NDManager manager, DataType dtype, int hidden) {
        return MlpHead.load(PREFIX, dir, manager, dtype, hidden, OUT).map(RegionHead::new);
    }

    /**
     * Boxes for hidden states.
     *
     * @param hidden {@code [N, hidden]} task-token hidden states, in the head's dtype
     * @return {@code [N, 4]} as normalised {@code x1, y1, x2, y2} with {@code x1 <= x2}, {@code y1 <= y2}, not clamped
     */
    public NDArray apply(NDArray hidden) {
        return toCorners(mlp.apply(hidden));
    }

    private static NDArray toCorners(NDArray raw) {
        NDArray s = Activation.sigmoid(raw);
        NDArray cx = s.get(":, 0:1");
        NDArray cy = s.get(":, 1:2");
        NDArray hw = s.get(":, 2:3").mul(0.5f);
        NDArray hh = s.get(":, 3:4").mul(0.5f);
        return NDArrays.concat(new NDList(cx.sub(hw), cy.sub(hh), cx.add(hw), cy.add(hh)), 1);
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
