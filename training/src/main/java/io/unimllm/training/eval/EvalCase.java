package io.unimllm.training.eval;

import io.unimllm.training.data.DatasetRecord;
import io.unimllm.training.world.synth.GroundTruth;
import io.unimllm.training.world.synth.Sample;
import io.unimllm.training.world.synth.TaskKind;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One evaluation item: the input, the expected answer and the ground truth.
 *
 * @param id identifier
 * @param image input image
 * @param instruction instruction text without the image placeholder
 * @param task what kind of instruction it is
 * @param expectedAnswer the reference answer text
 * @param truth target boxes, masks and edited image
 */
public record EvalCase(String id, BufferedImage image, String instruction, TaskKind task, String expectedAnswer,
        GroundTruth truth) {
    public EvalCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(expectedAnswer, "expectedAnswer");
        Objects.requireNonNull(truth, "truth");
    }

    /** From a generated sample. */
    public static EvalCase of(Sample s) {
        return new EvalCase(s.id(), s.image(), s.instruction(), s.task(), s.answer(), s.truth());
    }

    /** From a dataset record (reads image, masks and edited image); the record must name its task. */
    public static EvalCase of(DatasetRecord r) {
        String id = r.id().isEmpty() ? "line " + r.line() : r.id();
        TaskKind task = TaskKind.fromId(r.task().orElseThrow(
                () -> new IllegalArgumentException("record " + id + " has no 'task' field, needed for evaluation")));
        List<io.unimllm.geometry.Mask> masks = new ArrayList<>();
        for (int k = 0; k < r.masks().size(); k++) {
            masks.add(r.loadMask(k));
        }
        return new EvalCase(id, r.loadImage(), r.instruction(), task, r.assistantContent(),
                new GroundTruth(r.boxes(), masks, r.loadEdited()));
    }
}
