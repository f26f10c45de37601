package io.unimllm.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Objects;

/**
 * How to load a model: on which device, in which compute dtype, and with which {@link DecoderPlan}. By default the
 * GPU is used when DJL sees one (weights in fp16 there) and otherwise the CPU (weights in fp32), with the inference
 * plan. bf16 is not a compute dtype here: with DJL 0.35.1 and libtorch 2.7.1 creating or converting to a bf16 array
 * aborts the process (seen on the CPU), so bf16 weights are widened to fp32 in Java, and weights of every
 * floating-point type are then converted to the compute dtype.
 *
 * <p>A checkpoint tensor that config.json gives no use for (a layer beyond {@code num_hidden_layers}, a part of
 * another architecture) fails the load with a {@link io.unimllm.core.CheckpointException} naming it, since such a
 * config silently computes another model; {@link Builder#ignoreUnusedTensors(boolean)} loads anyway and logs the
 * tensors left out as a warning.
 */
public final class LoadOptions {
    private final Device device;
    private final DataType dtype;
    private final LoadProgress progress;
    private final DecoderPlan plan;
    private final boolean ignoreUnusedTensors;

    private LoadOptions(Builder b) {
        this.progress = b.progress;
        this.device = b.device;
        this.dtype = b.dtype;
        this.plan = b.plan;
        this.ignoreUnusedTensors = b.ignoreUnusedTensors;
    }

    /**
     * Options that pick device and dtype automatically, with the inference plan.
     *
     * @return the default options
     */
    public static LoadOptions defaults() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The device to load on.
     *
     * @return the explicit device, else GPU 0 when DJL sees a GPU, else the CPU
     */
    public Device device() {
        if (device != null) {
            return device;
        }
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /**
     * The compute dtype of the weights, whatever the checkpoint stores.
     *
     * @return the explicit dtype, else fp16 on a GPU and fp32 on the CPU
     */
    public DataType dtype() {
        if (dtype != null) {
            return dtype;
        }
        return device().isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
    }

    /**
     * How the decoder lays out its work.
     *
     * @return the plan ({@link DecoderPlan#inference()} unless set)
     */
    public DecoderPlan plan() {
        return plan;
    }

    /**
     * The load progress listener.
     *
     * @return the listener ({@link LoadProgress#NONE} unless set)
     */
    public LoadProgress progress() {
        return progress;
    }

    /**
     * Whether tensors that config.json gives no use for are left out with a logged warning instead of failing the
     * load.
     *
     * @return false unless {@link Builder#ignoreUnusedTensors(boolean)} set it
     */
    public boolean ignoresUnusedTensors() {
        return ignoreUnusedTensors;
    }

    /** Builder of {@link LoadOptions}. */
    public static final class Builder {
        private Device device;
        private DataType dtype;
        private LoadProgress progress = LoadProgress.NONE;
        private DecoderPlan plan = DecoderPlan.inference();
        private boolean ignoreUnusedTensors;

        private Builder() {
        }

        /**
         * Reports each loaded tensor, for a progress bar.
         *
         * @param progress the listener
         * @return this builder
         */
        public Builder progress(LoadProgress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Forces a device.
         *
         * @param device the device, e.g. {@code Device.cpu()}
         * @return this builder
         */
        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        /**
         * Forces a compute dtype.
         *
         * @param dtype FLOAT32 or FLOAT16
         * @return this builder
         * @throws IllegalArgumentException for any other dtype (bf16 aborts the process in DJL 0.35.1's PyTorch
         *     engine, see the class comment)
         */
        public Builder dtype(DataType dtype) {
            if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
                throw new IllegalArgumentException("compute dtype must be FLOAT32 or FLOAT16, not " + dtype
                        + " (bf16 aborts the process in DJL 0.35.1's PyTorch engine)");
            }
            this.dtype = dtype;
            return this;
        }

        /**
         * Chooses how the decoder lays out its work.
         *
         * @param plan the plan; {@link DecoderPlan#training()} for a model the {@code Trainer} will train
         * @return this builder
         */
        public Builder plan(DecoderPlan plan) {
            this.plan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /**
         * Loads a checkpoint that holds tensors config.json gives no use for (for example a config that keeps only
         * the first layers of a deeper checkpoint), logging the tensors left out as a warning; by default such a
         * checkpoint is refused.
         *
         * @param ignore whether to load anyway
         * @return this builder
         */
        public Builder ignoreUnusedTensors(boolean ignore) {
            this.ignoreUnusedTensors = ignore;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the immutable options
         */
        public LoadOptions build() {
            return new LoadOptions(this);
        }
    }
}
