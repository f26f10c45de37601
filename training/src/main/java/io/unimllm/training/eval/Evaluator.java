package io.unimllm.training.eval;

import io.unimllm.geometry.Box;
import io.unimllm.training.world.synth.TaskKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Scores predictions against world ground truth; see {@link EvaluationReport} for what each metric covers. */
public final class Evaluator {
    private final int editTolerance;

    /** @param editTolerance per-channel difference (0..255) under which an edited pixel counts as right */
    public Evaluator(int editTolerance) {
        if (editTolerance < 0 || editTolerance > 255) {
            throw new IllegalArgumentException("edit tolerance must be in 0..255, got " + editTolerance);
        }
        this.editTolerance = editTolerance;
    }

    /** Runs {@code predictor} on every case and scores it. */
    public EvaluationReport evaluate(List<EvalCase> cases, WorldPredictor predictor) {
        List<Prediction> predictions = new ArrayList<>(cases.size());
        for (EvalCase c : cases) {
            predictions.add(predictor.predict(c.image(), c.instruction()));
        }
        return score(cases, predictions);
    }

    /** Scores precomputed predictions, {@code predictions.get(i)} answering {@code cases.get(i)}. */
    public EvaluationReport score(List<EvalCase> cases, List<Prediction> predictions) {
        if (cases.size() != predictions.size()) {
            throw new IllegalArgumentException(cases.size() + " cases but " + predictions.size() + " predictions");
        }
        List<Double> task = new ArrayList<>(), boxIoU = new ArrayList<>(), box50 = new ArrayList<>(),
                mask = new ArrayList<>(), edit = new ArrayList<>(), exact = new ArrayList<>(), full = new ArrayList<>();
        Map<TaskKind, List<Double>> taskBy = new EnumMap<>(TaskKind.class), fullBy = new EnumMap<>(TaskKind.class);
        for (int i = 0; i < cases.size(); i++) {
            EvalCase c = cases.get(i);
            Prediction p = predictions.get(i);
            ParsedAnswer parsed = ProtocolAnswerParser.parse(p.text());
            task.add(parsed.taskType().equals(c.task().taskType()) ? 1.0 : 0.0);
            full.add(Metrics.normaliseAnswer(p.text()).equals(Metrics.normaliseAnswer(c.expectedAnswer())) ? 1.0 : 0.0);
            taskBy.computeIfAbsent(c.task(), k -> new ArrayList<>()).add(task.get(task.size() - 1));
            fullBy.computeIfAbsent(c.task(), k -> new ArrayList<>()).add(full.get(full.size() - 1));
            int w = c.image().getWidth(), h = c.image().getHeight();
            if (!c.task().taskType().equals(TaskKind.ANSWER)) {
                List<Box> predicted = parsed.boxes(w, h);
                boxIoU.add(Metrics.boxIoU(predicted, c.truth().boxes()));
                box50.add(Metrics.boxAccuracyAt50(predicted, c.truth().boxes()));
            }
            switch (c.task()) {
                case SEGMENT -> mask.add(p.masks().isEmpty() || c.truth().masks().isEmpty() ? 0.0
                        : sameSize(p, c) ? p.masks().get(0).iou(c.truth().masks().get(0)) : 0.0);
                case RECOLOR, REMOVE -> edit.add(p.editedImage().isEmpty() || c.truth().editedImage().isEmpty() ? 0.0
                        : Metrics.editPixelAccuracy(p.editedImage().get(), c.truth().editedImage().get(),
                                editTolerance));
                case COUNT, COLOR, EXISTS -> exact.add(
                        Metrics.normaliseAnswer(p.text()).equals(Metrics.normaliseAnswer(c.expectedAnswer())) ? 1.0
                                : 0.0);
                default -> {
                }
            }
        }
        return new EvaluationReport(cases.size(), EvaluationReport.Metric.mean(task),
                EvaluationReport.Metric.mean(boxIoU), EvaluationReport.Metric.mean(box50),
                EvaluationReport.Metric.mean(mask), EvaluationReport.Metric.mean(edit),
                EvaluationReport.Metric.mean(exact), EvaluationReport.Metric.mean(full), breakdown(taskBy, fullBy));
    }

    private static Map<TaskKind, EvaluationReport.TaskBreakdown> breakdown(Map<TaskKind, List<Double>> taskBy,
            Map<TaskKind, List<Double>> fullBy) {
        Map<TaskKind, EvaluationReport.TaskBreakdown> out = new EnumMap<>(TaskKind.class);
        taskBy.forEach((k, v) -> out.put(k, new EvaluationReport.TaskBreakdown(EvaluationReport.Metric.mean(v),
                EvaluationReport.Metric.mean(fullBy.get(k)))));
        return out;
    }

    private static boolean sameSize(Prediction p, EvalCase c) {
        var a = p.masks().get(0);
        var b = c.truth().masks().get(0);
        return a.width() == b.width() && a.height() == b.height();
    }
}
