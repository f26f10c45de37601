package io.unimllm.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.CheckpointException;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.core.safetensors.TensorDType;
import io.unimllm.core.safetensors.TensorInfo;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns checkpoint tensors into NDArrays of the model's dtype on the model's device, checking each shape against
 * what config.json implies. Every tensor it loads is recorded, by Hugging Face name, in {@link #parameters()}.
 */
public final class WeightLoader {
    private final SafetensorsCheckpoint checkpoint;
    /** Arrays to copy from instead of a checkpoint (see {@link #copying}); null when reading a checkpoint. */
    private final Map<String, NDArray> source;
    private final NDManager manager;
    private final DataType dtype;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private LoadProgress progress = LoadProgress.NONE;

    /**
     * A loader reading an open checkpoint.
     *
     * @param checkpoint the open checkpoint
     * @param manager the model-lifetime manager on the target device; loaded arrays belong to it
     * @param dtype the compute dtype for floating-point weights
     */
    public WeightLoader(SafetensorsCheckpoint checkpoint, NDManager manager, DataType dtype) {
        this.checkpoint = checkpoint;
        this.source = null;
        this.manager = manager;
        this.dtype = dtype;
    }

    private WeightLoader(Map<String, NDArray> source, NDManager manager, DataType dtype) {
        this.checkpoint = null;
        this.source = source;
        this.manager = manager;
        this.dtype = dtype;
    }

    /**
     * A loader that builds a model from already loaded arrays instead of a checkpoint: each {@link #load} is a copy
     * of the array of that name converted to {@code dtype} and owned by {@code manager} (used for half-precision
     * working copies in mixed-precision training, see {@link LlavaModel#castCopy}).
     */
    static WeightLoader copying(Map<String, NDArray> source, NDManager manager, DataType dtype) {
        return new WeightLoader(source, manager, dtype);
    }

    /** Reports each loaded tensor to {@code progress}. */
    void progress(LoadProgress progress) {
        this.progress = progress;
    }

    /**
     * Whether a tensor can be loaded.
     *
     * @param name the tensor's Hugging Face name
     * @return true when the checkpoint (or, for a copying loader, the source arrays) has a tensor of that name
     */
    public boolean has(String name) {
        return source != null ? source.containsKey(name) : checkpoint.contains(name);
    }

    /**
     * Loads a floating-point tensor and checks its shape: a copy in {@link #dtype()} on the manager's device, owned by
     * the manager and recorded in {@link #parameters()}.
     *
     * @param name the tensor's Hugging Face name
     * @param expectedShape the shape config.json implies
     * @return the loaded array
     * @throws CheckpointException when the tensor is missing, not floating point, or of another shape
     */
    public NDArray load(String name, long... expectedShape) {
        if (source != null) {
            return copy(name, expectedShape);
        }
        TensorInfo info = checkpoint.info(name);
        if (!Arrays.equals(info.shape(), expectedShape)) {
            throw new CheckpointException("tensor '" + name + "' has shape " + Arrays.toString(info.shape())
                    + " but config.json implies " + Arrays.toString(expectedShape), info.file(), name);
        }
        DataType source = switch (info.dtype()) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case BF16 -> DataType.BFLOAT16;
            case F64 -> DataType.FLOAT64;
            default -> throw new CheckpointException("tensor '" + name + "' has dtype " + info.dtype()
                    + " where a floating-point weight is expected", info.file(), name);
        };
        ByteBuffer data = checkpoint.data(name);
        Device device = manager.getDevice();
        // Read the mapped bytes on the CPU, then copy into memory torch owns: the mapping is read-only and
        // must never be written through (training updates weights in place).
        try (NDManager staging = NDManager.newBaseManager(Device.cpu())) {
            NDArray raw = source == DataType.BFLOAT16
                    ? staging.create(bf16ToFloat(data), new Shape(expectedShape))
                    : staging.create(data, new Shape(expectedShape), source);
            // duplicate() is a real copy; toType to the same dtype is not (torch's .to() aliases), and an alias of a
            // mapped or Java-owned buffer dangles once that buffer is unmapped or collected.
            NDArray converted = raw.getDataType() == dtype ? raw.duplicate() : raw.toType(dtype, true);
            NDArray placed = device.equals(Device.cpu()) ? converted : converted.toDevice(device, false);
            placed.attach(manager);
            placed.setName(name);
            parameters.put(name, placed);
            progress.tensorsLoaded(parameters.size(), checkpoint.tensorNames().size());
            return placed;
        }
    }

    private NDArray copy(String name, long[] expectedShape) {
        NDArray from = source.get(name);
        if (from == null) {
            throw new CheckpointException("no array named '" + name + "' to copy", null, name);
        }
        if (!Arrays.equals(from.getShape().getShape(), expectedShape)) {
            throw new CheckpointException("array '" + name + "' has shape " + from.getShape() + " but config.json "
                    + "implies " + Arrays.toString(expectedShape), null, name);
        }
        // a real copy in every case (toType to the same dtype would alias the source)
        NDArray copied = from.getDataType() == dtype ? from.duplicate() : from.toType(dtype, true);
        copied.attach(manager);
        copied.setName(name);
        parameters.put(name, copied);
        return copied;
    }

    /**
     * Widens bf16 bytes to floats in Java: libtorch 2.7.1 through DJL 0.35.1 aborts the process when an array is
     * created from a bf16 buffer (converting an array to bf16 aborts too). bf16 is the top half of an fp32.
     */
    private static float[] bf16ToFloat(ByteBuffer data) {
        java.nio.ShortBuffer s = data.order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        float[] out = new float[s.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat((s.get(i) & 0xffff) << 16);
        }
        return out;
    }

    /**
     * Loads a linear layer {@code name.weight} (+ {@code name.bias} when {@code bias}).
     *
     * @param name the layer's name (without {@code .weight})
     * @param out output features
     * @param in input features
     * @param bias whether the layer has a bias
     * @return the layer
     * @throws CheckpointException when a tensor is missing, not floating point, or of another shape
     */
    public DenseLinear linear(String name, long out, long in, boolean bias) {
        NDArray w = load(name + ".weight", out, in);
        NDArray b = bias ? load(name + ".bias", out) : null;
        return new DenseLinear(w, b);
    }

    /**
     * Loads several linear layers that read the same input as one fused layer: the fused weight stacks the layers'
     * weights (and biases) row-wise in the given order, and each layer's own weight is a view into that storage,
     * registered under its own name. One large matrix-vector product then replaces several small ones, while
     * training and saving still see every layer by its checkpoint name.
     *
     * @param names the layers' names (without {@code .weight})
     * @param outs the layers' output sizes, in the same order
     * @param in the input features all layers share
     * @param bias whether the layers have biases
     * @return the stacked layer and its parts
     * @throws CheckpointException when a tensor is missing, not floating point, or of another shape
     */
    public FusedLinear fusedLinear(String[] names, long[] outs, long in, boolean bias) {
        DenseLinear[] loaded = new DenseLinear[names.length];
        for (int i = 0; i < names.length; i++) {
            loaded[i] = linear(names[i], outs[i], in, bias);
        }
        NDArray weight = concatRows(loaded, false);
        NDArray b = bias ? concatRows(loaded, true) : null;
        DenseLinear[] parts = new DenseLinear[names.length];
        long offset = 0;
        for (int i = 0; i < names.length; i++) {
            NDIndex rows = new NDIndex("{}:{}", offset, offset + outs[i]);
            parts[i] = new DenseLinear(view(weight, rows, names[i] + ".weight"),
                    bias ? view(b, rows, names[i] + ".bias") : null);
            loaded[i].weight().close();
            if (bias) {
                loaded[i].bias().close();
            }
            offset += outs[i];
        }
        return new FusedLinear(new DenseLinear(weight, b), parts);
    }

    private NDArray concatRows(DenseLinear[] layers, boolean bias) {
        NDList list = new NDList();
        for (DenseLinear l : layers) {
            list.add(bias ? l.bias() : l.weight());
        }
        NDArray fused = NDArrays.concat(list, 0);
        fused.attach(manager);
        return fused;
    }

    private NDArray view(NDArray fused, NDIndex rows, String name) {
        NDArray v = fused.get(rows);
        v.attach(manager);
        v.setName(name);
        parameters.put(name, v);
        return v;
    }

    /**
     * Every tensor loaded so far, by Hugging Face name, in load order.
     *
     * @return the loader's own map, which later loads extend
     */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * The dtype floating-point weights are converted to.
     *
     * @return the compute dtype
     */
    public DataType dtype() {
        return dtype;
    }

    /** Returns the dtype name used in checkpoints for a compute dtype. */
    static TensorDType checkpointDType(DataType type) {
        return switch (type) {
            case FLOAT16 -> TensorDType.F16;
            case BFLOAT16 -> TensorDType.BF16;
            default -> TensorDType.F32;
        };
    }
}
