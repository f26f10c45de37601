package io.unimllm.core;

import io.unimllm.protocol.UnimllmException;

/** A prompt is malformed: a token outside the vocabulary, or image tokens that do not match the images given. */
public class PromptException extends UnimllmException {
    private static final long serialVersionUID = 1L;

    /**
     * A prompt error.
     *
     * @param message what is wrong, naming the prompt and the position
     */
    public PromptException(String message) {
        super(message);
    }

    /**
     * A prompt error that adds context to another one.
     *
     * @param message what is wrong, naming the prompt and the position
     * @param cause the error found deeper down
     */
    public PromptException(String message, Throwable cause) {
        super(message, cause);
    }
}
