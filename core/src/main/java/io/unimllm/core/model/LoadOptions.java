package io.unimllm.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Optional;

/**
 * How to load a model: on which device and in which dtype. By default the GPU is used when DJL sees one (with
 * bf16 weights, or fp16 where the checkpoint is fp16) and otherwise the CPU in fp32.
 */
public final class LoadOptions {
    private final Device device;
    private final DataType dtype;
    private final LoadProgress progress;

    private LoadOptions(Builder b) {
        this.progress = b.progress;
        this.device = b.device;
        this.dtype = b.dtype;
    }

    /** Options that pick device and dtype automatically. */
    public static LoadOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The device to load on: the explicit one, else GPU 0 when DJL sees a GPU, else the CPU. */
    public Device device() {
        if (device != null) {
            return device;
        }
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /**
     * The compute dtype: the explicit one, else fp32 on the CPU and fp16 on a GPU. bf16 is not offered: with DJL
     * 0.35.1 and libtorch 2.7.1 creating or converting to a bf16 array aborts the process (seen on CPU), so bf16
     * checkpoints are widened in Java and computed in fp16 (GPU) or fp32 (CPU).
     */
    public DataType dtype(Optional<DataType> checkpointHalf) {
        if (dtype != null) {
            return dtype;
        }
        if (device().isGpu()) {
            return DataType.FLOAT16;
        }
        return DataType.FLOAT32;
    }

    /** The load progress listener ({@link LoadProgress#NONE} by default). */
    public LoadProgress progress() {
        return progress;
    }

    /** Builder of {@link LoadOptions}. */
    public static final class Builder {
        private Device device;
        private DataType dtype;
        private LoadProgress progress = LoadProgress.NONE;

        /** Reports each loaded tensor, for a progress bar. */
        public Builder progress(LoadProgress progress) {
            this.progress = progress;
            return this;
        }

        /** Forces a device, e.g. {@code Device.cpu()}. */
        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        /** Forces a compute dtype: FLOAT32 or FLOAT16 (see {@link LoadOptions#dtype(Optional)} for bf16). */
        public Builder dtype(DataType dtype) {
            if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
                throw new IllegalArgumentException("compute dtype must be FLOAT32 or FLOAT16, not " + dtype
                        + " (bf16 aborts the process in DJL 0.35.1's PyTorch engine)");
            }
            this.dtype = dtype;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(this);
        }
    }
}
