package io.unimllm.router.spi;

/** The kinds of input an expert can make use of beside the image. */
public enum InputKind {
    /** The task's plain-text arguments (a class name, a phrase, a colour). */
    TEXT,
    /** A box grounding. */
    BOX,
    /** A point grounding. */
    POINT,
    /** A polygon grounding. */
    POLYGON,
    /** Mask codes (PaliGemma {@code <segNNN>}). */
    SEGMENTATION_CODES,
    /** The task token's hidden state (LISA/TPO-style prompt). */
    HIDDEN_STATE
}
