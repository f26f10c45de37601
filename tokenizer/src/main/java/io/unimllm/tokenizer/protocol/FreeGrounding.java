package io.unimllm.tokenizer.protocol;

import io.unimllm.geometry.Grounding;

/**
 * A region the answer names outside any task (for example a grounded caption).
 *
 * @param grounding the region in pixel space, with its label when the dialect carries one
 */
public record FreeGrounding(Grounding grounding) implements Segment {
}
