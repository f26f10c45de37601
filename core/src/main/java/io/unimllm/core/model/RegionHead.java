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
 * token, giving a box normalised to the image as {@code (x1, y1, x2, y2)} in [0, 1]. The MLP predicts centre and size
 * through a sigmoid, so every output is a valid box. Stored in {@code heads.safetensors} next to the model weights
 * under the names {@code region_head.fc1.weight/bias}, {@code region_head.fc2.weight/bias}.
 */
public final class RegionHead {
    /** File holding task heads in a checkpoint directory. */
    public static final String FILE = MlpHead.FILE;
    /** Prefix of the region head's tensors. */
    public static final String PREFIX = "region_head.";
    private static final int OUT = 4;

    private final MlpHead mlp;

    /** A head over the given layers ({@code fc1: [h/2, h]}, {@code fc2: [4, h/2]}). */
    public RegionHead(DenseLinear fc1, DenseLinear fc2) {
        this(new MlpHead(PREFIX, fc1, fc2));
    }

    private RegionHead(MlpHead mlp) {
        this.mlp = mlp;
    }

    /** A freshly initialised head (small normal weights, zero biases) owned by {@code manager}. */
    public static RegionHead initialise(NDManager manager, int hidden, long seed) {
        return new RegionHead(MlpHead.initialise(PREFIX, manager, hidden, OUT, seed));
    }

    /**
     * Loads the head from {@code dir/heads.safetensors} when present.
     *
     * @param manager owner of the loaded arrays (the model's manager)
     * @param dtype compute dtype
     * @param hidden the decoder's hidden size
     */
    public static Optional<RegionHead> load(Path dir, NDManager manager, DataType dtype, int hidden) {
        return MlpHead.load(PREFIX, dir, manager, dtype, hidden, OUT).map(RegionHead::new);
    }

    /**
     * Boxes for hidden states {@code [N, hidden]}: {@code [N, 4]} as normalised {@code x1, y1, x2, y2}.
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

    /** The head's tensors by checkpoint name, for training and saving. */
    public Map<String, NDArray> parameters() {
        return mlp.parameters();
    }
}
