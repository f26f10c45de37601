package io.unimllm.router.spi;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an expert produced; any part may be empty. The router hands it to its caller unchanged, in the task's result.
 *
 * @param masks masks over the whole original image, with scores (segmentation)
 * @param detections boxes in pixels of the original image, with labels and scores (detection)
 * @param image an edited or generated image, a new one (the request's image is shared and must stay unchanged)
 * @param text a textual answer
 */
public record ExpertResult(List<ScoredMask> masks, List<Detection> detections, Optional<BufferedImage> image,
        Optional<String> text) {
    /**
     * Copies the lists.
     *
     * @param masks masks with scores
     * @param detections boxes with labels and scores
     * @param image an edited or generated image, or empty
     * @param text a textual answer, or empty
     * @throws NullPointerException when a component or a list element is null
     */
    public ExpertResult {
        masks = List.copyOf(masks);
        detections = List.copyOf(detections);
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(text, "text");
    }

    /**
     * A segmentation result.
     *
     * @param masks the masks
     * @return a result with only masks
     */
    public static ExpertResult ofMasks(List<ScoredMask> masks) {
        return new ExpertResult(masks, List.of(), Optional.empty(), Optional.empty());
    }

    /**
     * A detection result.
     *
     * @param detections the detections, best first where the expert ranks them
     * @return a result with only detections
     */
    public static ExpertResult ofDetections(List<Detection> detections) {
        return new ExpertResult(List.of(), detections, Optional.empty(), Optional.empty());
    }

    /**
     * An image result.
     *
     * @param image the edited or generated image, not the request's
     * @return a result with only an image
     * @throws NullPointerException when {@code image} is null
     */
    public static ExpertResult ofImage(BufferedImage image) {
        return new ExpertResult(List.of(), List.of(), Optional.of(image), Optional.empty());
    }

    /**
     * A textual result.
     *
     * @param text the answer
     * @return a result with only text
     * @throws NullPointerException when {@code text} is null
     */
    public static ExpertResult ofText(String text) {
        return new ExpertResult(List.of(), List.of(), Optional.empty(), Optional.of(text));
    }
}
