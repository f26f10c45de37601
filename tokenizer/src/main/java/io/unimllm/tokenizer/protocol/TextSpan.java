package io.unimllm.tokenizer.protocol;

/**
 * Plain text of the answer between protocol constructs.
 *
 * @param text the text, with surrounding whitespace trimmed
 */
public record TextSpan(String text) implements Segment {
}
