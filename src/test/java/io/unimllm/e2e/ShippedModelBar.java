package io.unimllm.e2e;

/**
 * Thresholds for the shipped model on held-out phrasings, set below the measured values in docs/training.md with
 * margin for the 60-sample test split, and above what a model ignoring the image or the instruction scores.
 */
final class ShippedModelBar {
    static final double TASK_ACCURACY = 0.95;
    static final double BOX_IOU_50 = 0.5;
    static final double ANSWER_ACCURACY = 0.6;

    private ShippedModelBar() {
    }
}
