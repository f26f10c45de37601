package io.unimllm.protocol;

import java.util.Objects;

/**
 * Plain answer text between structural tokens, exactly as generated (whitespace kept).
 *
 * @param text the text, never empty
 */
public record TextSpan(String text) implements Segment {
    /**
     * Checks that the text is present.
     *
     * @param text the text
     */
    public TextSpan {
        Objects.requireNonNull(text, "text");
    }
}
