package io.unimllm.tokenizer.protocol;

import java.util.Objects;

/**
 * Plain answer text between structural tokens, exactly as generated (whitespace kept).
 *
 * @param text the text, never empty
 */
public record TextSpan(String text) implements Segment {
    public TextSpan {
        Objects.requireNonNull(text, "text");
    }
}
