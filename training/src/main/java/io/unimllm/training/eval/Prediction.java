package io.unimllm.training.eval;

import io.unimllm.geometry.Mask;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a system produced for one evaluation case.
 *
 * @param text the generated answer text (task tokens, boxes, or a plain answer)
 * @param masks masks from the segmentation expert, parallel to the answer's boxes (empty when none ran)
 * @param editedImage the image produced by the editing expert, if one ran
 */
public record Prediction(String text, List<Mask> masks, Optional<BufferedImage> editedImage) {
    public Prediction {
        Objects.requireNonNull(text, "text");
        masks = List.copyOf(masks);
        Objects.requireNonNull(editedImage, "editedImage");
    }

    /** A text-only prediction. */
    public static Prediction text(String text) {
        return new Prediction(text, List.of(), Optional.empty());
    }
}
