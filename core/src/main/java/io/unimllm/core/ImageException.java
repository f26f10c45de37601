package io.unimllm.core;

import io.unimllm.protocol.UnimllmException;

/** An image could not be decoded or has a size or format the preprocessing cannot handle. */
public class ImageException extends UnimllmException {
    private static final long serialVersionUID = 1L;

    /**
     * An image error.
     *
     * @param message what was wrong and with which input
     */
    public ImageException(String message) {
        super(message);
    }

    /**
     * As {@link #ImageException(String)} with the underlying cause.
     *
     * @param message what was wrong and with which input
     * @param cause the error that led to this one
     */
    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
