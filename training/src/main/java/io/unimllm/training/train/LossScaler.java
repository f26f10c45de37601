package io.unimllm.training.train;

/**
 * The dynamic loss scale of mixed-precision training: multiplies the loss before backward so that small fp16
 * gradients do not flush to zero, is halved (by {@link TrainingOptions.LossScale#backoff()}) whenever the scaled
 * gradients overflow, and grows again after {@link TrainingOptions.LossScale#growthInterval()} good updates in a row.
 */
final class LossScaler {
    private final TrainingOptions.LossScale cfg;
    private double scale;
    private int goodSteps;

    LossScaler(TrainingOptions.LossScale cfg) {
        this.cfg = cfg;
        this.scale = cfg.initial();
    }

    /** The current scale. */
    double scale() {
        return scale;
    }

    /** Good updates since the last overflow or growth. */
    int goodSteps() {
        return goodSteps;
    }

    /** Records the outcome of one update: backs off on overflow, grows after enough good updates. */
    void update(boolean overflow) {
        if (overflow) {
            // never down to 0 (or a subnormal that makes 1/scale infinite)
            scale = Math.max(scale * cfg.backoff(), Float.MIN_NORMAL);
            goodSteps = 0;
        } else if (++goodSteps >= cfg.growthInterval()) {
            // the scaled fp32 loss must stay finite
            scale = Math.min(scale * cfg.growth(), 0x1p100);
            goodSteps = 0;
        }
    }

    /** Restores a saved state. */
    void restore(double scale, int goodSteps) {
        this.scale = scale;
        this.goodSteps = goodSteps;
    }
}
