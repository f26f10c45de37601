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
    CANCELLED
}
