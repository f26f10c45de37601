package io.unimllm.shapes.eval;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import io.unimllm.shapes.world.Phrasings;
import io.unimllm.shapes.world.Sample;
import io.unimllm.training.data.DatasetRecord;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One item to evaluate: the input and what a right answer must produce.
 *
 * @param image the input image
 * @param instruction the user's words (no {@code <image>} placeholder)
 * @param answer the target answer in unimllm's protocol, or plain text
 * @param task the world task the instruction asks for (segment tasks also score masks)
 * @param boxes target boxes in pixels, in answer order
 * @param mask target mask (segment and edit tasks)
 * @param edited expected image after an edit
 */
public record EvalCase(BufferedImage image, String instruction, String answer, Phrasings.Task task, List<Box> boxes,
        Optional<Mask> mask, Optional<BufferedImage> edited) {
    /**
     * Checks that nothing is null and copies the boxes.
     *
     * @param image the input image
     * @param instruction the user's words
     * @param answer the target answer
     * @param task the world task
     * @param boxes target boxes in pixels
     * @param mask target mask, or empty
     * @param edited expected image after an edit, or empty
     * @throws NullPointerException when a component or a box is null
     */
    public EvalCase {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(task, "task");
        boxes = List.copyOf(boxes);
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(edited, "edited");
    }

    /**
     * A generated sample (its scene rendered).
     *
     * @param s the sample
     * @return the case
     */
    public static EvalCase of(Sample s) {
        return new EvalCase(s.scene().render(), s.instruction(), s.answer(), s.task(), s.boxes(), s.mask(),
                s.edited());
    }

    /**
     * A record of a JSON Lines dataset written by {@link io.unimllm.shapes.data.DatasetWriter}: reads its image, first
     * mask and edited image; the record must name its task ({@link Phrasings.Task#id()}).
     *
     * @param r the record
     * @return the case
     * @throws IllegalArgumentException when the record has no task or an unknown one
     */
    public static EvalCase of(DatasetRecord r) {
        String where = r.id().isEmpty() ? "line " + r.line() : r.id();
        Phrasings.Task task = Phrasings.Task.fromId(r.task().orElseThrow(() -> new IllegalArgumentException(
                "record " + where + " has no 'task' field, needed for evaluation")));
        return new EvalCase(r.loadImage(), r.instruction(), r.assistantContent(), task, r.boxes(),
                r.masks().isEmpty() ? Optional.empty() : Optional.of(r.loadMask(0)), r.loadEdited());
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
