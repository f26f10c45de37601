package io.unimllm.core.generate;

/** Why generation of a sequence ended. */
public enum FinishReason {
    /** An end-of-sequence or configured stop token was generated (it is included in the tokens). */
    STOP_TOKEN,
    /** {@code maxNewTokens} were generated. */
    MAX_TOKENS,
    /** The model's context ({@code max_position_embeddings}) is full. */
    CONTEXT_FULL,
    /** The token listener asked to stop. */
    CANCELLED,
    /**
     * The logits for the next token had no finite maximum (NaN or infinite values: a checkpoint with NaN weights, an
     * fp16 overflow), so no token could be chosen; the row ended without a token for that step and keeps the tokens
     * it had.
     */
    NON_FINITE
}
