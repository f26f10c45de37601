package io.unimllm.training.world;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;

/**
 * One instruction about one scene with its target answer and ground truth.
 *
 * @param scene the scene (render it for the image)
 * @param task which task the instruction asks for
 * @param instruction the user's words
 * @param answer the target answer in unimllm's protocol (task token, arguments, {@code </task>}, groundings) or
 *     plain text for questions no expert is needed for
 * @param boxes target boxes in pixels (half-open), in answer order
 * @param mask target mask for segmentation
 * @param edited expected image after an edit
 */
public record Sample(Scene scene, Phrasings.Task task, String instruction, String answer, List<Box> boxes,
        Optional<Mask> mask, Optional<BufferedImage> edited) {
    /** Copies the list. */
    public Sample {
        boxes = List.copyOf(boxes);
    }

    /** The task token the answer starts with, or empty for a plain answer. */
    public Optional<String> taskToken() {
        return answer.startsWith("<task_") ? Optional.of(answer.substring(0, answer.indexOf('>') + 1))
                : Optional.empty();
    }
}
