package io.unimllm.training.eval;

import java.util.List;
import java.util.Locale;

/**
 * Aggregate metrics of one evaluation run.
 *
 * @param samples number of cases evaluated
 * @param taskAccuracy predicted task type (or plain answer) equals the target's, over all cases
 * @param boxIoU mean {@link Metrics#boxIoU} over cases whose answer carries boxes (seg, det, edit)
 * @param boxAccuracy50 mean {@link Metrics#boxAccuracyAt50} over the same cases
 * @param maskIoU mean mask IoU over segmentation cases (a missing mask counts 0)
 * @param editPixelAccuracy mean {@link Metrics#editPixelAccuracy} over edit cases (a missing image counts 0)
 * @param exactAnswerAccuracy normalised plain answer equals the target, over plain-question cases
 * @param fullAnswerAccuracy normalised whole answer text equals the target's, over all cases
 */
public record EvaluationReport(int samples, Metric taskAccuracy, Metric boxIoU, Metric boxAccuracy50, Metric maskIoU,
        Metric editPixelAccuracy, Metric exactAnswerAccuracy, Metric fullAnswerAccuracy) {

    /**
     * One aggregated metric.
     *
     * @param value the mean, NaN when {@code count} is 0
     * @param count how many cases it was averaged over
     */
    public record Metric(double value, int count) {
        /** The mean of {@code values}; NaN for none. */
        static Metric mean(List<Double> values) {
            return new Metric(values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    values.size());
        }
    }

    /** The report as a markdown table: metric, value, number of cases. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("| metric | value | cases |\n|---|---:|---:|\n");
        row(sb, "task-token accuracy", taskAccuracy);
        row(sb, "box IoU (mean)", boxIoU);
        row(sb, "box accuracy @ IoU 0.5", boxAccuracy50);
        row(sb, "mask IoU (mean)", maskIoU);
        row(sb, "edit pixel accuracy", editPixelAccuracy);
        row(sb, "exact-answer accuracy", exactAnswerAccuracy);
        row(sb, "full-answer exact match", fullAnswerAccuracy);
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, Metric m) {
        String v = m.count() == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f", m.value());
        sb.append("| ").append(name).append(" | ").append(v).append(" | ").append(m.count()).append(" |\n");
    }

    @Override
    public String toString() {
        return toMarkdown();
    }
}
