package io.unimllm.core.generate;

/** Receives tokens as they are generated, for streaming. Called on the generating thread, in order. */
@FunctionalInterface
public interface TokenListener {

    /**
     * Called once per generated token.
     *
     * @param row index of the prompt in the batch
     * @param tokenId the token just generated
     * @return {@code false} to stop generating this row (its result finishes with {@link FinishReason#CANCELLED},
     *     unless {@code tokenId} is a stop token, which ends it with {@link FinishReason#STOP_TOKEN})
     */
    boolean onToken(int row, int tokenId);

    /**
     * A listener that ignores tokens.
     *
     * @return a listener that never stops generation
     */
    static TokenListener none() {
        return (row, token) -> true;
    }
}
