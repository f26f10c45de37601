package io.unimllm.router.spi;

import io.unimllm.geometry.Box;
import java.util.Objects;

/**
 * A detected object.
 *
 * @param box where it is, in pixels of the original image
 * @param label what it is, e.g. a class name or the task's phrase
 * @param score the expert's confidence, in {@code [0, 1]} (not checked)
 */
public record Detection(Box box, String label, double score) {
    /**
     * Checks that the box and label are present.
     *
     * @param box where it is
     * @param label what it is
     * @param score the expert's confidence
     * @throws NullPointerException when {@code box} or {@code label} is null
     */
    public Detection {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(label, "label");
    }
}
