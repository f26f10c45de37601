package io.unimllm.tokenizer;

/** A tokenizer file is missing or corrupt, or a token or id is unknown. */
public class TokenizerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong and where */
    public TokenizerException(String message) {
        super(message);
    }

    /** @param message what was wrong and where; @param cause the underlying error */
    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
