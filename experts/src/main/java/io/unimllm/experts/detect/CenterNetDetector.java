package io.unimllm.experts.detect;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.unimllm.experts.convert.TorchScriptModels;
import io.unimllm.geometry.Box;
import io.unimllm.router.spi.Detection;
import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.InputKind;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * COCO object detector: MobileNetV3-CenterNet from {@code @vladmandic/human}, converted to TorchScript by
 * {@code scripts/experts/fetch-and-convert.sh}, run on DJL's PyTorch engine.
 *
 * <p>Serves task types {@value #TASK_DETECT} and {@value #TASK_DET}. The classes to look for come from the task's
 * arguments (e.g. "cat", "people"), else from the instruction; when neither names a COCO class, all 80 classes are
 * reported. Boxes are in pixels of the original image. Thread-safe: each call uses its own predictor.
 */
public final class CenterNetDetector implements ExpertModel {
    /** Task type this expert serves. */
    public static final String TASK_DETECT = "detect";
    /** Short alias of {@link #TASK_DETECT}. */
    public static final String TASK_DET = "det";
    /** The expert's name in its descriptor. */
    public static final String NAME = "centernet-coco-detector";

    private static final int INPUT_SIZE = 512;

    private final ZooModel<BufferedImage, CenterNetHead> model;
    private final Config config;
    private volatile boolean closed;

    /**
     * Detection settings.
     *
     * @param minScore lowest peak score reported when looking for all classes, in [0, 1]
     * @param promptedMinScore lowest peak score reported when the request names the classes to look for, in [0, 1];
     *     lower than {@code minScore} because a named class is likely present (on skimage's chelsea the model scores
     *     "dog" 0.47 and "cat" 0.20 on the same peak, and asked for a cat it should still find it)
     * @param iouThreshold class-aware NMS threshold, in [0, 1]
     * @param maxDetections most detections returned per image
     * @param priority descriptor priority
     */
    public record Config(double minScore, double promptedMinScore, double iouThreshold, int maxDetections,
            int priority) {
        /** Upstream defaults ({@code @vladmandic/human}: score 0.2, IoU 0.4, 10 detections), prompted score 0.1. */
        public static final Config DEFAULT = new Config(0.2, 0.1, 0.4, 10, 10);

        /**
         * Checks the ranges.
         *
         * @param minScore lowest peak score reported when looking for all classes
         * @param promptedMinScore lowest peak score reported when the request names classes
         * @param iouThreshold class-aware NMS threshold
         * @param maxDetections most detections returned per image
         * @param priority descriptor priority
         * @throws IllegalArgumentException when a score or the threshold is outside {@code [0, 1]}, or
         *     {@code maxDetections} is not positive
         */
        public Config {
            if (!(minScore >= 0 && minScore <= 1)) {
                throw new IllegalArgumentException("minScore must be in [0, 1], got " + minScore);
            }
            if (!(promptedMinScore >= 0 && promptedMinScore <= 1)) {
                throw new IllegalArgumentException("promptedMinScore must be in [0, 1], got " + promptedMinScore);
            }
            if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
                throw new IllegalArgumentException("iouThreshold must be in [0, 1], got " + iouThreshold);
            }
            if (maxDetections <= 0) {
                throw new IllegalArgumentException("maxDetections must be positive, got " + maxDetections);
            }
        }
    }

    private CenterNetDetector(ZooModel<BufferedImage, CenterNetHead> model, Config config) {
        this.model = model;
        this.config = config;
    }

    /**
     * Loads the converted model file.
     *
     * @param modelFile the TorchScript file {@code fetch-and-convert.sh} wrote
     * @param config the detection settings
     * @return the detector; closing it frees the model's native memory
     * @throws ExpertException when the file is missing or is not a loadable TorchScript CenterNet
     */
    public static CenterNetDetector load(Path modelFile, Config config) throws ExpertException {
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(config, "config");
        return new CenterNetDetector(TorchScriptModels.load("CenterNet", modelFile, BufferedImage.class,
                CenterNetHead.class, new CenterNetTranslator(INPUT_SIZE)), config);
    }

    /**
     * The settings this detector runs with.
     *
     * @return the configuration given to {@link #load}
     */
    public Config config() {
        return config;
    }

    @Override
    public ExpertDescriptor describe() {
        return new ExpertDescriptor(NAME, Set.of(TASK_DETECT, TASK_DET), Set.of(InputKind.TEXT), Set.of(),
                config.priority());
    }

    @Override
    public ExpertResult run(ExpertRequest request) throws ExpertException {
        Objects.requireNonNull(request, "request");
        Set<Integer> classes = CocoClasses.mentionedIn(request.task().arguments());
        if (classes.isEmpty()) {
            classes = CocoClasses.mentionedIn(request.instruction());
        }
        return ExpertResult.ofDetections(detect(request.image(), classes));
    }

    /**
     * Detects objects of the given COCO class ids (all classes when empty, with {@link Config#minScore()}; else with
     * {@link Config#promptedMinScore()}).
     *
     * @param image the image, any size (it is resized to the model's 512x512 input)
     * @param classIds COCO class ids to look for ({@link CocoClasses}); empty for all
     * @return detections after class-aware NMS, highest score first, boxes in pixels of {@code image} clipped to it
     * @throws ExpertException when inference fails or the detector is closed
     */
    public List<Detection> detect(BufferedImage image, Set<Integer> classIds) throws ExpertException {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(classIds, "classIds");
        if (closed) {
            throw new ExpertException(NAME + " is closed");
        }
        CenterNetHead head;
        try (Predictor<BufferedImage, CenterNetHead> predictor = model.newPredictor()) {
            head = predictor.predict(image);
        } catch (TranslateException e) {
            throw new ExpertException(NAME + ": inference failed on a " + image.getWidth() + "x" + image.getHeight()
                    + " image: " + e.getMessage(), e);
        }
        double minScore = classIds.isEmpty() ? config.minScore() : config.promptedMinScore();
        List<Detection> peaks = CenterNetDecoder.decode(head, minScore, 100,
                id -> classIds.isEmpty() || classIds.contains(id));
        double sx = (double) image.getWidth() / INPUT_SIZE, sy = (double) image.getHeight() / INPUT_SIZE;
        List<Detection> scaled = new ArrayList<>(peaks.size());
        for (Detection d : peaks) {
            Box b = d.box();
            Box box = new Box(b.x1() * sx, b.y1() * sy, b.x2() * sx, b.y2() * sy)
                    .clip(image.getWidth(), image.getHeight());
            if (box.area() > 0) {
                scaled.add(new Detection(box, d.label(), d.score()));
            }
        }
        return Nms.suppress(scaled, config.iouThreshold(), true, config.maxDetections());
    }

    @Override
    public void close() {
        closed = true;
        model.close();
    }
}
