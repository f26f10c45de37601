package io.unimllm.shapes.world;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import io.unimllm.training.data.Batcher;
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
    /**
     * Copies the boxes.
     *
     * @param scene the scene
     * @param task the task the instruction asks for
     * @param instruction the user's words
     * @param answer the target answer
     * @param boxes target boxes in pixels, in answer order
     * @param mask target mask, or empty
     * @param edited expected image after an edit, or empty
     */
    public Sample {
        boxes = List.copyOf(boxes);
    }

    /**
     * This sample as a training example for the {@link Batcher}.
     *
     * @return its rendered scene, instruction, answer, first target box (or null) and target mask (or null)
     */
    public Batcher.Example toExample() {
        return new Batcher.Example(scene.render(), instruction, answer, boxes.isEmpty() ? null : boxes.get(0),
                mask.orElse(null));
    }

    /**
     * The task token the answer starts with.
     *
     * @return the token, e.g. {@code <task_seg>}, or empty for a plain answer
     */
    public Optional<String> taskToken() {
        return answer.startsWith("<task_") ? Optional.of(answer.substring(0, answer.indexOf('>') + 1))
                : Optional.empty();
    }
}
