package io.unimllm.training.world.synth;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a correct answer must produce besides its text.
 *
 * @param boxes target boxes in half-open pixel coordinates, in answer order (empty for plain questions)
 * @param masks exact target masks, parallel to {@code boxes} (empty for plain questions)
 * @param editedImage for edit tasks, the image as it must look after the edit
 */
public record GroundTruth(List<Box> boxes, List<Mask> masks, Optional<BufferedImage> editedImage) {
    public GroundTruth {
        boxes = List.copyOf(boxes);
        masks = List.copyOf(masks);
        Objects.requireNonNull(editedImage, "editedImage");
    }

    /** Ground truth of a plain-text question. */
    public static GroundTruth none() {
        return new GroundTruth(List.of(), List.of(), Optional.empty());
    }
}
