package io.unimllm.training.eval;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import io.unimllm.training.data.DatasetRecord;
import io.unimllm.training.world.Phrasings;
import io.unimllm.training.world.Sample;
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
    public EvalCase {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(task, "task");
        boxes = List.copyOf(boxes);
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(edited, "edited");
    }

    /** A generated sample (its scene rendered). */
    public static EvalCase of(Sample s) {
        return new EvalCase(s.scene().render(), s.instruction(), s.answer(), s.task(), s.boxes(), s.mask(),
                s.edited());
    }

    /**
     * A record of a JSON Lines dataset written by {@link io.unimllm.training.data.DatasetWriter}: reads its image, first
     * mask and edited image; the record must name its task ({@link Phrasings.Task#id()}).
     */
    public static EvalCase of(DatasetRecord r) {
        String where = r.id().isEmpty() ? "line " + r.line() : r.id();
        Phrasings.Task task = Phrasings.Task.fromId(r.task().orElseThrow(() -> new IllegalArgumentException(
                "record " + where + " has no 'task' field, needed for evaluation")));
        return new EvalCase(r.loadImage(), r.instruction(), r.assistantContent(), task, r.boxes(),
                r.masks().isEmpty() ? Optional.empty() : Optional.of(r.loadMask(0)), r.loadEdited());
    }

    /** The task token the answer starts with, or empty for a plain answer. */
    public Optional<String> taskToken() {
        return answer.startsWith("<task_") ? Optional.of(answer.substring(0, answer.indexOf('>') + 1))
                : Optional.empty();
    }
}
