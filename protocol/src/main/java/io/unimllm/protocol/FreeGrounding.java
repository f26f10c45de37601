package io.unimllm.protocol;

import io.unimllm.geometry.Grounding;
import java.util.Objects;

/**
 * A region the model wrote outside any task (for example in a plain captioning or detection answer).
 *
 * @param grounding the decoded region in pixels of the original image
 */
public record FreeGrounding(Grounding grounding) implements Segment {
    /**
     * Checks that the grounding is present.
     *
     * @param grounding the decoded region
     */
    public FreeGrounding {
        Objects.requireNonNull(grounding, "grounding");
    }
}
