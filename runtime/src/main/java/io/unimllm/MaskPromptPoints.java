package io.unimllm;

/**
 * When the runtime adds the mask-prompt head's point to a segment task (checkpoints with a mask-prompt head only).
 * The default, {@link #WHEN_NO_REGION}, lets the heads fill in only what the model's tokens left out: on the shipped
 * model the model's own box alone gives better masks than box and head point together (docs/training.md).
 */
public enum MaskPromptPoints {
    /** Every segment task that carries its token's hidden state gets the point, after its own groundings. */
    ALWAYS,
    /** Only segment tasks that name no region of their own get the point (beside the region head's box). */
    WHEN_NO_REGION,
    /** The head is loaded but its point never added ({@link UnifiedMllm#headPoint} still works). */
    NEVER
}
