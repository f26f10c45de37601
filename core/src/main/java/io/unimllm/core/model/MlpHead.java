package io.unimllm.core.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The two-layer MLP ({@code hidden -> hidden/2 -> out}, ReLU between) shared by the task heads on a task token's
 * last-layer hidden state ({@link RegionHead}, {@link MaskPromptHead}). Its tensors are {@code <prefix>fc1.weight},
 * {@code <prefix>fc1.bias}, {@code <prefix>fc2.weight}, {@code <prefix>fc2.bias} in {@value #FILE}; each head has its
 * own prefix, so one file holds any subset of the heads.
 */
final class MlpHead {
    /** File holding task heads in a checkpoint directory. */
    static final String FILE = "heads.safetensors";

    private final String prefix;
    private final DenseLinear fc1;
    private final DenseLinear fc2;

    MlpHead(String prefix, DenseLinear fc1, DenseLinear fc2) {
        this.prefix = prefix;
        this.fc1 = fc1;
        this.fc2 = fc2;
    }

    static int mid(int hidden) {
        return Math.max(1, hidden / 2);
    }

    /** Fresh weights: He-normal first layer, small normal second layer, zero biases; owned by {@code manager}. */
    static MlpHead initialise(String prefix, NDManager manager, int hidden, int out, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        int mid = mid(hidden);
        NDArray w1 = manager.randomNormal(0f, (float) Math.sqrt(2.0 / hidden), new Shape(mid, hidden),
                DataType.FLOAT32);
        NDArray w2 = manager.randomNormal(0f, 0.02f, new Shape(out, mid), DataType.FLOAT32);
        return new MlpHead(prefix, new DenseLinear(w1, manager.zeros(new Shape(mid))),
                new DenseLinear(w2, manager.zeros(new Shape(out))));
    }

    /** The head under {@code prefix} in {@code dir/heads.safetensors}; empty when the file or the head is absent. */
    static Optional<MlpHead> load(String prefix, Path dir, NDManager manager, DataType dtype, int hidden, int out) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(file)) {
            if (!ckpt.contains(prefix + "fc1.weight")) {
                return Optional.empty();
            }
            WeightLoader w = new WeightLoader(ckpt, manager, dtype);
            int mid = mid(hidden);
            return Optional.of(new MlpHead(prefix, w.linear(prefix + "fc1", mid, hidden, true),
                    w.linear(prefix + "fc2", out, mid, true)));
        }
    }

    /** Raw outputs {@code [N, out]} for hidden states {@code [N, hidden]} (no output activation). */
    NDArray apply(NDArray hidden) {
        return fc2.apply(Activation.relu(fc1.apply(hidden)));
    }

    /** The tensors by checkpoint name. */
    Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(prefix + "fc1.weight", fc1.weight());
        p.put(prefix + "fc1.bias", fc1.bias());
        p.put(prefix + "fc2.weight", fc2.weight());
        p.put(prefix + "fc2.bias", fc2.bias());
        return p;
    }
}
