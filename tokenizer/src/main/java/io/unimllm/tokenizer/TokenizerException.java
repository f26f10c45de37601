package io.unimllm.tokenizer;

import io.unimllm.protocol.UnimllmException;

/**
 * Thrown when a tokenizer cannot be loaded or is used with input it cannot handle: a missing or corrupt
 * {@code tokenizer.json}, an unknown token string, a token id outside the vocabulary.
 *
 * <p>The message always names what was wrong and where (file path, token, id and vocabulary size).
 */
public class TokenizerException extends UnimllmException {
    private static final long serialVersionUID = 1L;

    /**
     * An error without an underlying cause.
     *
     * @param message what went wrong and where
     */
    public TokenizerException(String message) {
        super(message);
    }

    /**
     * An error caused by another one, such as an {@link java.io.IOException} reading a file.
     *
     * @param message what went wrong and where
     * @param cause the underlying failure
     */
    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
