package io.unimllm.core.generate;

import io.unimllm.core.UnimllmException;

/** A prompt does not fit the model's context. */
public class ContextLengthException extends UnimllmException {
    private static final long serialVersionUID = 1L;

    public ContextLengthException(String message) {
        super(message);
    }
}
