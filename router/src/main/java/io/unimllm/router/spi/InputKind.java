package io.unimllm.router.spi;

/**
 * The kinds of input beside the image that a task can carry and an expert can make use of; a task carries a kind
 * as {@link io.unimllm.router.TaskRouter#inputsOf} says.
 */
public enum InputKind {
    /** Plain-text arguments that are not blank (a class name, a phrase, a colour). */
    TEXT,
    /** At least one {@link io.unimllm.geometry.Box} grounding. */
    BOX,
    /** At least one {@link io.unimllm.geometry.Point} grounding. */
    POINT,
    /** At least one {@link io.unimllm.geometry.Polygon} grounding. */
    POLYGON,
    /** At least one {@link io.unimllm.geometry.SegmentationCodes} grounding (PaliGemma {@code <segNNN>} codes). */
    SEGMENTATION_CODES,
    /** The task token's last-layer hidden state, when the generator kept it (a LISA/TPO-style prompt). */
    HIDDEN_STATE,
    /**
     * The hidden states of the task's slot tokens, one per slot the vocabulary declares for its task token
     * ({@link io.unimllm.protocol.TaskCall#slotStates()}: VisionLLM v2's super-link queries, LISA's {@code [SEG]}).
     */
    SLOT_STATES
}
