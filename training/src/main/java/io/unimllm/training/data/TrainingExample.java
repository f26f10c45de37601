package io.unimllm.training.data;

import io.unimllm.geometry.Box;
import io.unimllm.training.world.synth.Sample;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * What the {@link ArrayBatcher} needs of one example.
 *
 * @param id identifier used in error messages
 * @param image the input image
 * @param userContent the user turn, starting with {@code <image>\n}
 * @param answer the assistant answer to learn
 * @param boxes target boxes in pixels of {@code image} (may be empty)
 */
public record TrainingExample(String id, BufferedImage image, String userContent, String answer, List<Box> boxes) {
    public TrainingExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(userContent, "userContent");
        Objects.requireNonNull(answer, "answer");
        boxes = List.copyOf(boxes);
    }

    /** From a generated world sample. */
    public static TrainingExample of(Sample s) {
        return new TrainingExample(s.id(), s.image(), Message.IMAGE_PLACEHOLDER + "\n" + s.instruction(), s.answer(),
                s.truth().boxes());
    }

    /** From a dataset record; reads the image file. */
    public static TrainingExample of(DatasetRecord r) {
        String id = r.id().isEmpty() ? "line " + r.line() : r.id();
        return new TrainingExample(id, r.loadImage(), r.userContent(), r.assistantContent(), r.boxes());
    }
}
