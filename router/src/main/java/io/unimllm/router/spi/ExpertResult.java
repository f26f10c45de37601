package io.unimllm.router.spi;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an expert produced; any part may be empty.
 *
 * @param masks masks with scores (segmentation)
 * @param detections boxes with labels and scores (detection)
 * @param image an edited or generated image
 * @param text a textual answer
 */
public record ExpertResult(List<ScoredMask> masks, List<Detection> detections, Optional<BufferedImage> image,
        Optional<String> text) {
    public ExpertResult {
        masks = List.copyOf(masks);
        detections = List.copyOf(detections);
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(text, "text");
    }

    public static ExpertResult ofMasks(List<ScoredMask> masks) {
        return new ExpertResult(masks, List.of(), Optional.empty(), Optional.empty());
    }

    public static ExpertResult ofDetections(List<Detection> detections) {
        return new ExpertResult(List.of(), detections, Optional.empty(), Optional.empty());
    }

    public static ExpertResult ofImage(BufferedImage image) {
        return new ExpertResult(List.of(), List.of(), Optional.of(image), Optional.empty());
    }

    public static ExpertResult ofText(String text) {
        return new ExpertResult(List.of(), List.of(), Optional.empty(), Optional.of(text));
    }
}
