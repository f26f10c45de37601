package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    public static final String FILE = "heads.safetensors";
    /** Prefix of the region head's tensors. */
    public static final String PREFIX = "region_head.";

    private final DenseLinear fc1;
    private final DenseLinear fc2;

    /** A head over the given layers ({@code fc1: [h/2, h]}, {@code fc2: [4, h/2]}). */
    public RegionHead(DenseLinear fc1, DenseLinear fc2) {
        this.fc1 = fc1;
        this.fc2 = fc2;
    }

    /** A freshly initialised head (small normal weights, zero biases) owned by {@code manager}. */
    public static RegionHead initialise(NDManager manager, int hidden, long seed) {
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
        int mid = Math.max(1, hidden / 2);
        NDArray w1 = manager.randomNormal(0f, (float) Math.sqrt(2.0 / hidden), new Shape(mid, hidden),
                ai.djl.ndarray.types.DataType.FLOAT32);
        NDArray w2 = manager.randomNormal(0f, 0.02f, new Shape(4, mid), ai.djl.ndarray.types.DataType.FLOAT32);
        return new RegionHead(new DenseLinear(w1, manager.zeros(new Shape(mid))),
                new DenseLinear(w2, manager.zeros(new Shape(4))));
    }

    /**
     * Loads the head from {@code dir/heads.safetensors} when present.
     *
     * @param manager owner of the loaded arrays (the model's manager)
     * @param dtype compute dtype
     * @param hidden the decoder's hidden size
     */
    public static Optional<RegionHead> load(Path dir, NDManager manager, ai.djl.ndarray.types.DataType dtype,
            int hidden) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(file)) {
            if (!ckpt.contains(PREFIX + "fc1.weight")) {
                return Optional.empty();
            }
            WeightLoader w = new WeightLoader(ckpt, manager, dtype);
            int mid = Math.max(1, hidden / 2);
            return Optional.of(new RegionHead(w.linear(PREFIX + "fc1", mid, hidden, true),
                    w.linear(PREFIX + "fc2", 4, mid, true)));
        }
    }

    /**
     * Boxes for hidden states {@code [N, hidden]}: {@code [N, 4]} as normalised {@code x1, y1, x2, y2}.
     */
    public NDArray apply(NDArray hidden) {
        return toCorners(fc2.apply(ai.djl.nn.Activation.relu(fc1.apply(hidden))));
    }

    private static NDArray toCorners(NDArray raw) {
        NDArray s = ai.djl.nn.Activation.sigmoid(raw);
        NDArray cx = s.get(":, 0:1");
        NDArray cy = s.get(":, 1:2");
        NDArray hw = s.get(":, 2:3").mul(0.5f);
        NDArray hh = s.get(":, 3:4").mul(0.5f);
        return ai.djl.ndarray.NDArrays.concat(new NDList(cx.sub(hw), cy.sub(hh), cx.add(hw), cy.add(hh)), 1);
    }

    /** The head's tensors by checkpoint name, for training and saving. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(PREFIX + "fc1.weight", fc1.weight());
        p.put(PREFIX + "fc1.bias", fc1.bias());
        p.put(PREFIX + "fc2.weight", fc2.weight());
        p.put(PREFIX + "fc2.bias", fc2.bias());
        return p;
    }
}
