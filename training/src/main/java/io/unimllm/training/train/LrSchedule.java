package io.unimllm.training.train;

/**
 * Linear warm-up then cosine decay to {@code minRatio * base}.
 *
 * @param base peak learning rate
 * @param warmupSteps steps of linear warm-up from 0
 * @param totalSteps steps of the whole schedule
 * @param minRatio final fraction of the peak
 */
public record LrSchedule(double base, int warmupSteps, int totalSteps, double minRatio) {
    /**
     * Validates the ranges.
     *
     * @param base peak learning rate
     * @param warmupSteps steps of linear warm-up from 0
     * @param totalSteps steps of the whole schedule
     * @param minRatio final fraction of the peak
     */
    public LrSchedule {
        if (!(base > 0) || warmupSteps < 0 || totalSteps <= 0 || minRatio < 0 || minRatio > 1) {
            throw new IllegalArgumentException("invalid schedule: base " + base + ", warmup " + warmupSteps
                    + ", total " + totalSteps + ", minRatio " + minRatio);
        }
    }

    /**
     * The learning rate at an optimizer step.
     *
     * @param step the 0-based optimizer step
     * @return the rate: rising linearly during warm-up, then following the cosine down to {@code minRatio * base}
     */
    public double at(int step) {
        if (step < warmupSteps) {
            return base * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (step - warmupSteps) / (double) Math.max(1, totalSteps - warmupSteps));
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return base * (minRatio + (1 - minRatio) * cosine);
    }
}
