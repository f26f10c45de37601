package io.unimllm.core;

/** Base of every error unimllm reports about its inputs: unchecked, with a message that says what and where. */
public class UnimllmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong and where */
    public UnimllmException(String message) {
        super(message);
    }

    /** @param message what was wrong and where; @param cause the underlying error */
    public UnimllmException(String message, Throwable cause) {
        super(message, cause);
    }
}
