package io.unimllm.core.generate;

import io.unimllm.core.UnimllmException;

/** A prompt is malformed: a token outside the vocabulary, or image tokens that do not match the images given. */
public class PromptException extends UnimllmException {
    private static final long serialVersionUID = 1L;

    public PromptException(String message) {
        super(message);
    }
}
