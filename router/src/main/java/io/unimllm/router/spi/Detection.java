package io.unimllm.router.spi;

import io.unimllm.geometry.Box;
import java.util.Objects;

/** A detected object: a box in pixels of the original image, its label and its score in [0, 1]. */
public record Detection(Box box, String label, double score) {
    public Detection {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(label, "label");
    }
}
