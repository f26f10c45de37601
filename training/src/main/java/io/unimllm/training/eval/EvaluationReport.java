package io.unimllm.training.eval;

import io.unimllm.training.world.synth.TaskKind;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
 * @param byTask task-token accuracy and full-answer exact match per task kind (kinds with no case are absent)
 */
public record EvaluationReport(int samples, Metric taskAccuracy, Metric boxIoU, Metric boxAccuracy50, Metric maskIoU,
        Metric editPixelAccuracy, Metric exactAnswerAccuracy, Metric fullAnswerAccuracy,
        Map<TaskKind, TaskBreakdown> byTask) {

    public EvaluationReport {
        EnumMap<TaskKind, TaskBreakdown> copy = new EnumMap<>(TaskKind.class);
        copy.putAll(byTask);
        byTask = Collections.unmodifiableMap(copy);
    }

    /**
     * Per-task-kind scores.
     *
     * @param taskAccuracy predicted task type right
     * @param fullAnswerAccuracy whole answer text right
     */
    public record TaskBreakdown(Metric taskAccuracy, Metric fullAnswerAccuracy) {
    }

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
        if (!byTask.isEmpty()) {
            sb.append("\n| task | task-token accuracy | full-answer exact match | cases |\n|---|---:|---:|---:|\n");
            byTask.forEach((k, b) -> sb.append("| ").append(k.id()).append(" | ").append(value(b.taskAccuracy()))
                    .append(" | ").append(value(b.fullAnswerAccuracy())).append(" | ").append(b.taskAccuracy().count())
                    .append(" |\n"));
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, Metric m) {
        sb.append("| ").append(name).append(" | ").append(value(m)).append(" | ").append(m.count()).append(" |\n");
    }

    private static String value(Metric m) {
        return m.count() == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f", m.value());
    }

    @Override
    public String toString() {
        return toMarkdown();
    }
}
