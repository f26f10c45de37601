package io.unimllm.core.generate;

import io.unimllm.protocol.UnimllmException;

/** A prompt does not fit the model's context. */
public class ContextLengthException extends UnimllmException {
    private static final long serialVersionUID = 1L;

    /**
     * A context length error.
     *
     * @param message which prompt, how many positions it takes and how many the context has
     */
    public ContextLengthException(String message) {
        super(message);
    }
}
