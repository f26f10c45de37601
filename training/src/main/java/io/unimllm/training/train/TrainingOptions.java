package io.unimllm.training.train;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What one training stage trains and how. The three stages of the recipe are three instances of this class (see
 * {@link Stages}), not three programs.
 *
 * @param name stage name for logs and checkpoints
 * @param trainable regular expressions over checkpoint tensor names; matching tensors are trained, the rest frozen
 * @param lora LoRA adapters to insert on the decoder, or null
 * @param regionHead train a TPO-style region head jointly with the language loss
 * @param regionLossWeight weight of the region loss in the total
 * @param maskPromptHead train a TPO-style mask-prompt head (a point inside the target mask) jointly
 * @param maskPromptLossWeight weight of the point loss in the total
 * @param schedule learning-rate schedule in optimizer steps
 * @param weightDecay decoupled weight decay of AdamW (matrices only)
 * @param clipNorm global gradient-norm clip (0: none)
 * @param accumulation micro-batches per optimizer step
 * @param seed seed of every random choice the trainer makes (adapter and head initialisation)
 * @param precision fp32 throughout, or fp16 compute with fp32 master weights and dynamic loss scaling
 * @param lossScale the dynamic loss scale of {@link Precision#FP16_MIXED} (ignored under fp32)
 */
public record TrainingOptions(String name, List<String> trainable, LoraConfig lora, boolean regionHead,
        double regionLossWeight, boolean maskPromptHead, double maskPromptLossWeight, LrSchedule schedule,
        double weightDecay, double clipNorm, int accumulation, long seed, Precision precision, LossScale lossScale) {

    /** Numeric precision of training. */
    public enum Precision {
        /** Weights, activations and gradients in fp32 (the default; what the CPU runs best). */
        FP32,
        /**
         * Mixed precision: forward and backward in fp16 on working copies of the weights, fp32 master weights updated
         * by AdamW from unscaled fp32 gradients, dynamic loss scaling; meant for GPUs (fp16 runs slowly on CPUs).
         * The model must be loaded in fp32.
         */
        FP16_MIXED;

        /**
         * Parses the command-line spelling {@code fp32} or {@code fp16-mixed} ({@code fp16_mixed} and {@code fp16}
         * are accepted too), ignoring case and surrounding blanks.
         *
         * @param s the spelling
         * @return the precision
         * @throws IllegalArgumentException for any other spelling
         */
        public static Precision parse(String s) {
            return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "fp32" -> FP32;
                case "fp16-mixed", "fp16_mixed", "fp16" -> FP16_MIXED;
                default -> throw new IllegalArgumentException("precision '" + s + "': expected fp32 or fp16-mixed");
            };
        }
    }

    /**
     * Dynamic loss scaling: the loss is multiplied by {@code initial} before backward; an update whose gradients
     * overflow (inf/NaN) is skipped and the scale multiplied by {@code backoff}; after {@code growthInterval}
     * consecutive good updates the scale is multiplied by {@code growth}.
     *
     * @param initial the scale to start from
     * @param growth the factor of a growth, at least 1
     * @param backoff the factor of a back-off, between 0 and 1
     * @param growthInterval good updates in a row before the scale grows
     */
    public record LossScale(double initial, double growth, double backoff, int growthInterval) {
        /**
         * Validates.
         *
         * @param initial the scale to start from
         * @param growth the factor of a growth, at least 1
         * @param backoff the factor of a back-off, between 0 and 1
         * @param growthInterval good updates in a row before the scale grows
         * @throws IllegalArgumentException unless initial is finite and positive, growth at least 1, backoff in
         *     (0, 1) and growthInterval at least 1
         */
        public LossScale {
            if (!(initial > 0) || Double.isInfinite(initial) || !(growth >= 1) || !(backoff > 0 && backoff < 1)
                    || growthInterval < 1) {
                throw new IllegalArgumentException("loss scale: initial > 0, growth >= 1, 0 < backoff < 1, "
                        + "growthInterval >= 1");
            }
        }

        /**
         * PyTorch GradScaler's defaults.
         *
         * @return 2^16, doubled after 2000 good steps, halved on overflow
         */
        public static LossScale defaults() {
            return new LossScale(65536, 2, 0.5, 2000);
        }
    }

    /**
     * The options as before mixed precision existed: fp32.
     *
     * @param name stage name for logs and checkpoints
     * @param trainable regular expressions over checkpoint tensor names that train
     * @param lora LoRA adapters to insert on the decoder, or null
     * @param regionHead train a region head jointly
     * @param regionLossWeight weight of the region loss in the total
     * @param maskPromptHead train a mask-prompt head jointly
     * @param maskPromptLossWeight weight of the point loss in the total
     * @param schedule learning-rate schedule in optimizer steps
     * @param weightDecay decoupled weight decay of AdamW
     * @param clipNorm global gradient-norm clip (0: none)
     * @param accumulation micro-batches per optimizer step
     * @param seed seed of every random choice the trainer makes
     */
    public TrainingOptions(String name, List<String> trainable, LoraConfig lora, boolean regionHead,
            double regionLossWeight, boolean maskPromptHead, double maskPromptLossWeight, LrSchedule schedule,
            double weightDecay, double clipNorm, int accumulation, long seed) {
        this(name, trainable, lora, regionHead, regionLossWeight, maskPromptHead, maskPromptLossWeight, schedule,
                weightDecay, clipNorm, accumulation, seed, Precision.FP32, LossScale.defaults());
    }

    /**
     * Validates and copies; a null precision or loss scale takes its default.
     *
     * @param name stage name for logs and checkpoints
     * @param trainable regular expressions over checkpoint tensor names; matching tensors are trained, the rest frozen
     * @param lora LoRA adapters to insert on the decoder, or null
     * @param regionHead train a TPO-style region head jointly with the language loss
     * @param regionLossWeight weight of the region loss in the total
     * @param maskPromptHead train a TPO-style mask-prompt head (a point inside the target mask) jointly
     * @param maskPromptLossWeight weight of the point loss in the total
     * @param schedule learning-rate schedule in optimizer steps
     * @param weightDecay decoupled weight decay of AdamW (matrices only)
     * @param clipNorm global gradient-norm clip (0: none)
     * @param accumulation micro-batches per optimizer step
     * @param seed seed of every random choice the trainer makes (adapter and head initialisation)
     * @param precision fp32 throughout, or fp16 compute with fp32 master weights and dynamic loss scaling
     * @param lossScale the dynamic loss scale of {@link Precision#FP16_MIXED} (ignored under fp32)
     * @throws IllegalArgumentException when accumulation is below 1 or a weight, the decay or the clip is negative
     * @throws java.util.regex.PatternSyntaxException when a trainable pattern is not a regular expression
     */
    public TrainingOptions {
        if (precision == null) {
            precision = Precision.FP32;
        }
        if (lossScale == null) {
            lossScale = LossScale.defaults();
        }
        trainable = List.copyOf(trainable);
        for (String p : trainable) {
            Pattern.compile(p);
        }
        if (accumulation < 1 || clipNorm < 0 || weightDecay < 0 || regionLossWeight < 0
                || maskPromptLossWeight < 0) {
            throw new IllegalArgumentException(
                    "accumulation >= 1, clipNorm, weightDecay, regionLossWeight, maskPromptLossWeight >= 0");
        }
    }

    /**
     * Whether a tensor trains in this stage.
     *
     * @param tensorName the checkpoint name of the tensor
     * @return true when one of the trainable patterns matches the whole name
     */
    public boolean trains(String tensorName) {
        for (String p : trainable) {
            if (Pattern.matches(p, tensorName)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A builder with AdamW defaults (lr 1e-3, 10 warm-up steps, 100 steps, decay 0.01, clip 1.0).
     *
     * @param name the stage name
     * @return a builder that trains nothing until {@link Builder#train} is called
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builder of {@link TrainingOptions}. */
    public static final class Builder {
        private final String name;
        private final List<String> trainable = new ArrayList<>();
        private LoraConfig lora;
        private boolean regionHead;
        private double regionLossWeight = 1.0;
        private boolean maskPromptHead;
        private double maskPromptLossWeight = 1.0;
        private double lr = 1e-3;
        private int warmup = 10;
        private int steps = 100;
        private double minLrRatio = 0.1;
        private double weightDecay = 0.01;
        private double clipNorm = 1.0;
        private int accumulation = 1;
        private long seed = 42;
        private Precision precision = Precision.FP32;
        private LossScale lossScale = LossScale.defaults();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Adds trainable tensor-name patterns (regular expressions, full match).
         *
         * @param patterns the patterns
         * @return this builder
         */
        public Builder train(String... patterns) {
            trainable.addAll(List.of(patterns));
            return this;
        }

        /**
         * Inserts LoRA adapters.
         *
         * @param lora the adapters, or null for none
         * @return this builder
         */
        public Builder lora(LoraConfig lora) {
            this.lora = lora;
            return this;
        }

        /**
         * Trains a region head with the given loss weight.
         *
         * @param weight weight of the region loss in the total
         * @return this builder
         */
        public Builder regionHead(double weight) {
            this.regionHead = true;
            this.regionLossWeight = weight;
            return this;
        }

        /**
         * Trains a mask-prompt head (point inside the target mask) with the given loss weight.
         *
         * @param weight weight of the point loss in the total
         * @return this builder
         */
        public Builder maskPromptHead(double weight) {
            this.maskPromptHead = true;
            this.maskPromptLossWeight = weight;
            return this;
        }

        /**
         * Peak learning rate, warm-up and total optimizer steps.
         *
         * @param lr the peak learning rate
         * @param warmup steps of linear warm-up
         * @param steps optimizer steps of the whole schedule
         * @return this builder
         */
        public Builder schedule(double lr, int warmup, int steps) {
            this.lr = lr;
            this.warmup = warmup;
            this.steps = steps;
            return this;
        }

        /**
         * Decoupled weight decay.
         *
         * @param wd the decay, 0 for none
         * @return this builder
         */
        public Builder weightDecay(double wd) {
            this.weightDecay = wd;
            return this;
        }

        /**
         * Global gradient-norm clip (0 disables).
         *
         * @param c the largest global norm
         * @return this builder
         */
        public Builder clipNorm(double c) {
            this.clipNorm = c;
            return this;
        }

        /**
         * Micro-batches per optimizer step.
         *
         * @param n the count, at least 1
         * @return this builder
         */
        public Builder accumulation(int n) {
            this.accumulation = n;
            return this;
        }

        /**
         * Seed of the trainer's random choices.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Numeric precision (default {@link Precision#FP32}).
         *
         * @param precision the precision
         * @return this builder
         */
        public Builder precision(Precision precision) {
            this.precision = precision;
            return this;
        }

        /**
         * {@link Precision#FP16_MIXED} when true, else {@link Precision#FP32}.
         *
         * @param on whether to train in mixed precision
         * @return this builder
         */
        public Builder mixedPrecision(boolean on) {
            return precision(on ? Precision.FP16_MIXED : Precision.FP32);
        }

        /**
         * Dynamic loss-scale parameters of mixed precision (default {@link LossScale#defaults()}).
         *
         * @param lossScale the parameters
         * @return this builder
         */
        public Builder lossScale(LossScale lossScale) {
            this.lossScale = lossScale;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the validated options
         */
        public TrainingOptions build() {
            return new TrainingOptions(name, trainable, lora, regionHead, regionLossWeight, maskPromptHead,
                    maskPromptLossWeight, new LrSchedule(lr, warmup, steps, minLrRatio), weightDecay, clipNorm,
                    accumulation, seed, precision, lossScale);
        }
    }
}
