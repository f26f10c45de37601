package io.unimllm.examples.eval;

import io.unimllm.Response;
import io.unimllm.UnifiedMllm;
import io.unimllm.experts.region.ColourRegionSegmenter;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Mask;
import io.unimllm.geometry.Point;
import io.unimllm.router.TaskResult;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.tokenizer.protocol.TaskCall;
import io.unimllm.training.world.Phrasings;
import io.unimllm.training.world.Sample;
import io.unimllm.training.world.WorldGenerator;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * Evaluates a shapes-world checkpoint end to end through {@link UnifiedMllm} (the same path a user's request takes):
 * held-out phrasings by default, so the numbers measure generalisation to instructions never seen in training.
 */
public final class ShapesEvaluation {
    private static final Map<String, String> TASK_OF_TOKEN = Map.of("<task_seg>", "segment", "<task_det>", "detect",
            "<task_edit>", "edit");

    private ShapesEvaluation() {
    }

    /**
     * Runs {@code n} samples of the split generated with {@code seed}. With a mask-prompt head, segment tasks are also
     * segmented with the model's box alone and with the box and the head's point, for the head's two table lines.
     */
    public static EvaluationReport run(UnifiedMllm mllm, boolean heldOut, int n, long seed, IntConsumer progress) {
        try (ColourRegionSegmenter segmenter = new ColourRegionSegmenter()) {
            return run(mllm, heldOut, n, seed, progress, segmenter);
        }
    }

    private static EvaluationReport run(UnifiedMllm mllm, boolean heldOut, int n, long seed, IntConsumer progress,
            ColourRegionSegmenter segmenter) {
        long start = System.nanoTime();
        WorldGenerator world = new WorldGenerator(48, heldOut ? Phrasings.TEST : Phrasings.TRAIN, seed);
        int taskOk = 0;
        List<Double> boxIous = new ArrayList<>();
        List<Double> headIous = new ArrayList<>();
        List<Double> maskIous = new ArrayList<>();
        List<Double> boxOnlyMaskIous = new ArrayList<>();
        List<Double> headMaskIous = new ArrayList<>();
        List<Double> editAcc = new ArrayList<>();
        int plain = 0;
        int plainOk = 0;
        for (int i = 0; i < n; i++) {
            Sample s = world.next();
            BufferedImage img = s.scene().render();
            Response r = mllm.ask(img, s.instruction());
            String want = s.taskToken().map(TASK_OF_TOKEN::get).orElse("answer");
            List<TaskCall> tasks = r.parsed().tasks();
            String got = tasks.isEmpty() ? "answer" : tasks.get(0).taskType();
            if (want.equals(got)) {
                taskOk++;
            }
            if (want.equals("answer")) {
                plain++;
                if (r.text().strip().equalsIgnoreCase(s.answer().strip())) {
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
                boxIous.addAll(matchIous(s.boxes(), predicted));
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
                    editAcc.add(pixelAccuracy(edited, expected));
                }
            }
            if (progress != null) {
                progress.accept(i + 1);
            }
        }
        return new EvaluationReport(n, taskOk / (double) n, mean(boxIous), fraction(boxIous, 0.5), mean(headIous),
                mean(maskIous), mllm.hasMaskPromptHead() ? mean(boxOnlyMaskIous) : Double.NaN,
                mllm.hasMaskPromptHead() ? mean(headMaskIous) : Double.NaN, mean(editAcc), plain == 0 ? Double.NaN : plainOk / (double) plain,
                (System.nanoTime() - start) / 1e9);
    }

    /** IoU with the target of the segmenter's best mask for the given prompts; 0 when there is no prompt. */
    static double segmentIou(ColourRegionSegmenter segmenter, BufferedImage img, Sample s, Optional<Box> box,
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

    /** Greedy matching: each target takes the unused prediction of highest IoU (0 when none is left). */
    static List<Double> matchIous(List<Box> targets, List<Box> predicted) {
        List<Double> out = new ArrayList<>();
        boolean[] used = new boolean[predicted.size()];
        for (Box t : targets) {
            int best = -1;
            double bestIou = 0;
            for (int j = 0; j < predicted.size(); j++) {
                double iou = used[j] ? -1 : predicted.get(j).iou(t);
                if (iou > bestIou) {
                    bestIou = iou;
                    best = j;
                }
            }
            if (best >= 0) {
                used[best] = true;
            }
            out.add(bestIou);
        }
        return out;
    }

    static double pixelAccuracy(BufferedImage got, BufferedImage want) {
        int ok = 0;
        int n = want.getWidth() * want.getHeight();
        for (int y = 0; y < want.getHeight(); y++) {
            for (int x = 0; x < want.getWidth(); x++) {
                int a = got.getRGB(x, y);
                int b = want.getRGB(x, y);
                int d = Math.max(Math.abs(((a >> 16) & 0xff) - ((b >> 16) & 0xff)),
                        Math.max(Math.abs(((a >> 8) & 0xff) - ((b >> 8) & 0xff)), Math.abs((a & 0xff) - (b & 0xff))));
                ok += d <= 32 ? 1 : 0;
            }
        }
        return ok / (double) n;
    }

    private static double mean(List<Double> v) {
        return v.isEmpty() ? Double.NaN : v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double fraction(List<Double> v, double threshold) {
        return v.isEmpty() ? Double.NaN : v.stream().filter(x -> x >= threshold).count() / (double) v.size();
    }

}
