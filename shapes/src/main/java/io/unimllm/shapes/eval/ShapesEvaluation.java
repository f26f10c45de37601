package io.unimllm.shapes.eval;

import io.unimllm.Response;
import io.unimllm.UnifiedMllm;
import io.unimllm.experts.region.ColourRegionSegmenter;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Mask;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.TaskCall;
import io.unimllm.protocol.parse.OutputParser;
import io.unimllm.router.TaskResult;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.shapes.recipe.ShapesRecipe;
import io.unimllm.shapes.world.Phrasings;
import io.unimllm.shapes.world.WorldGenerator;
import io.unimllm.training.data.JsonlDatasetReader;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Evaluates a shapes-world checkpoint end to end through {@link UnifiedMllm} (the same path a user's request takes):
 * held-out phrasings by default, so the numbers measure generalisation to instructions never seen in training. The
 * cases are generated ({@link #run(UnifiedMllm, boolean, int, long, IntConsumer)}) or read from a JSON Lines dataset
 * ({@link #run(UnifiedMllm, Path, int, IntConsumer)}); {@link Metrics} holds the per-sample metric functions.
 */
public final class ShapesEvaluation {
    private static final Map<String, String> TASK_OF_TOKEN = Map.of("<task_seg>", "segment", "<task_det>", "detect",
            "<task_edit>", "edit");

    private ShapesEvaluation() {
    }

    /**
     * Runs {@code n} samples of the split generated with {@code seed}. With a mask-prompt head, segment tasks are also
     * segmented with the model's box alone and with the box and the head's point, for the head's two table lines.
     *
     * @param mllm the runtime with the checkpoint loaded
     * @param heldOut true for the held-out phrasings ({@link Phrasings#TEST}), false for the training ones
     * @param n how many samples
     * @param seed seed of the generated world
     * @param progress told the number of samples done after each one, or null
     * @return the metrics
     */
    public static EvaluationReport run(UnifiedMllm mllm, boolean heldOut, int n, long seed, IntConsumer progress) {
        WorldGenerator world = new WorldGenerator(ShapesRecipe.IMAGE_SIZE, heldOut ? Phrasings.TEST : Phrasings.TRAIN,
                seed);
        return run(mllm, n, () -> EvalCase.of(world.next()), progress);
    }

    /**
     * Runs the first {@code n} records (all when {@code n <= 0}) of a JSON Lines dataset, e.g. the {@code test} part
     * that {@link io.unimllm.shapes.data.GenerateWorldData} writes; records are read one at a time.
     *
     * @param mllm the runtime with the checkpoint loaded
     * @param dataset the dataset's directory or {@code data.jsonl}
     * @param n how many records, all when {@code n <= 0}
     * @param progress told the number of records done after each one, or null
     * @return the metrics
     * @throws IllegalArgumentException when the dataset has fewer than {@code n} records or a record has no task
     */
    public static EvaluationReport run(UnifiedMllm mllm, Path dataset, int n, IntConsumer progress) {
        int count = n > 0 ? n : JsonlDatasetReader.readAll(dataset).size();
        try (JsonlDatasetReader reader = JsonlDatasetReader.open(dataset)) {
            return run(mllm, count, () -> {
                if (!reader.hasNext()) {
                    throw new IllegalArgumentException(dataset + " has fewer than " + count + " records");
                }
                return EvalCase.of(reader.next());
            }, progress);
        }
    }

    /**
     * Runs {@code n} cases drawn one at a time from {@code cases}.
     *
     * @param mllm the runtime with the checkpoint loaded
     * @param n how many cases
     * @param cases where the cases come from
     * @param progress told the number of cases done after each one, or null
     * @return the metrics
     */
    public static EvaluationReport run(UnifiedMllm mllm, int n, Supplier<EvalCase> cases, IntConsumer progress) {
        try (ColourRegionSegmenter segmenter = new ColourRegionSegmenter()) {
            return run(mllm, n, cases, progress, segmenter);
        }
    }

    private static EvaluationReport run(UnifiedMllm mllm, int n, Supplier<EvalCase> cases, IntConsumer progress,
            ColourRegionSegmenter segmenter) {
        long start = System.nanoTime();
        int taskOk = 0;
        int argumentTasks = 0;
        int argumentOk = 0;
        List<Double> boxIous = new ArrayList<>();
        List<Double> smallBoxIous = new ArrayList<>();
        List<Double> largeBoxIous = new ArrayList<>();
        List<Double> headIous = new ArrayList<>();
        int predictedBoxes = 0;
        int boxesOnTarget = 0;
        List<Double> maskIous = new ArrayList<>();
        List<Double> boxOnlyMaskIous = new ArrayList<>();
        List<Double> headMaskIous = new ArrayList<>();
        List<Double> editAcc = new ArrayList<>();
        int plain = 0;
        int plainOk = 0;
        for (int i = 0; i < n; i++) {
            EvalCase s = cases.get();
            BufferedImage img = s.image();
            Response r = mllm.ask(img, s.instruction());
            String want = s.taskToken().map(TASK_OF_TOKEN::get).orElse("answer");
            List<TaskCall> tasks = r.parsed().tasks();
            String got = tasks.isEmpty() ? "answer" : tasks.get(0).taskType();
            if (want.equals(got)) {
                taskOk++;
            }
            if (!want.equals("answer")) {
                argumentTasks++;
                List<TaskCall> targets = new OutputParser(mllm.manifest().codec(), mllm.manifest().tasks(),
                        img.getWidth(), img.getHeight()).parse(s.answer()).tasks();
                if (!tasks.isEmpty() && !targets.isEmpty()
                        && Metrics.argumentsMatch(tasks.get(0).arguments(), targets.get(0).arguments())) {
                    argumentOk++;
                }
            }
            if (want.equals("answer")) {
                plain++;
                if (Metrics.plainAnswerMatches(r.text(), s.answer())) {
                    plainOk++;
                }
            } else if (!s.boxes().isEmpty()) {
                List<Box> predicted = new ArrayList<>();
                if (!tasks.isEmpty()) {
                    for (Grounding g : tasks.get(0).groundings()) {
                        if (g.geometry() instanceof Box b) {
                            predicted.add(b);
                        }
                    }
                }
                List<Double> ious = Metrics.matchIous(s.boxes(), predicted);
                boxIous.addAll(ious);
                predictedBoxes += predicted.size();
                boxesOnTarget += Metrics.onTarget(ious, 0.5);
                for (int j = 0; j < ious.size(); j++) {
                    boolean small = Metrics.isSmall(s.boxes().get(j), img.getWidth(), img.getHeight());
                    (small ? smallBoxIous : largeBoxIous).add(ious.get(j));
                }
                if (mllm.hasRegionHead() && !tasks.isEmpty() && tasks.get(0).hiddenState().isPresent()) {
                    Box head = mllm.headBox(tasks.get(0).hiddenState().get(), img.getWidth(), img.getHeight());
                    headIous.add(head.iou(s.boxes().get(0)));
                }
                Optional<TaskResult> first = r.tasks().isEmpty() ? Optional.empty() : Optional.of(r.tasks().get(0));
                if (s.task() == Phrasings.Task.SEGMENT) {
                    Mask target = s.mask().orElseThrow();
                    double iou = first.flatMap(TaskResult::result).map(res -> res.masks().stream()
                            .mapToDouble(m -> m.mask().iou(target)).max().orElse(0)).orElse(0.0);
                    maskIous.add(iou);
                    if (mllm.hasMaskPromptHead()) {
                        Optional<TaskCall> task = tasks.isEmpty() ? Optional.empty() : Optional.of(tasks.get(0));
                        Optional<Box> box = predicted.isEmpty() ? Optional.empty() : Optional.of(predicted.get(0));
                        Optional<Point> point = task.flatMap(TaskCall::hiddenState)
                                .map(h -> mllm.headPoint(h, img.getWidth(), img.getHeight()));
                        boxOnlyMaskIous.add(segmentIou(segmenter, img, s, box, Optional.empty(), target));
                        headMaskIous.add(segmentIou(segmenter, img, s, box, point, target));
                    }
                }
                if (s.edited().isPresent()) {
                    BufferedImage expected = s.edited().get();
                    BufferedImage edited = first.flatMap(TaskResult::result).flatMap(res -> res.image()).orElse(img);
                    editAcc.add(Metrics.pixelAccuracy(edited, expected));
                }
            }
            if (progress != null) {
                progress.accept(i + 1);
            }
        }
        return new EvaluationReport(n, taskOk / (double) n,
                argumentTasks == 0 ? Double.NaN : argumentOk / (double) argumentTasks, Metrics.mean(boxIous),
                Metrics.fraction(boxIous, 0.5), Metrics.fraction(smallBoxIous, 0.5),
                Metrics.fraction(largeBoxIous, 0.5),
                predictedBoxes == 0 ? Double.NaN : boxesOnTarget / (double) predictedBoxes, Metrics.mean(headIous),
                Metrics.mean(maskIous),
                mllm.hasMaskPromptHead() ? Metrics.mean(boxOnlyMaskIous) : Double.NaN,
                mllm.hasMaskPromptHead() ? Metrics.mean(headMaskIous) : Double.NaN, Metrics.mean(editAcc),
                plain == 0 ? Double.NaN : plainOk / (double) plain, (System.nanoTime() - start) / 1e9);
    }

    /** IoU with the target of the segmenter's best mask for the given prompts; 0 when there is no prompt. */
    static double segmentIou(ColourRegionSegmenter segmenter, BufferedImage img, EvalCase s, Optional<Box> box,
            Optional<Point> point, Mask target) {
        List<Grounding> prompts = new ArrayList<>();
        box.ifPresent(b -> prompts.add(Grounding.of(b)));
        point.ifPresent(p -> prompts.add(Grounding.of(p, UnifiedMllm.MASK_PROMPT_HEAD_LABEL)));
        if (prompts.isEmpty()) {
            return 0;
        }
        try {
            return segmenter.run(new ExpertRequest(img, s.instruction(), new TaskCall("segment", "", prompts,
                    Optional.empty(), -1))).masks().stream().mapToDouble(m -> m.mask().iou(target)).max().orElse(0);
        } catch (ExpertException e) {
            return 0;
        }
    }
}
