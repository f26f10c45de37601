package io.unimllm.core;

/** An image could not be decoded or has a size or format the preprocessing cannot handle. */
public class ImageException extends UnimllmException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong and with which input */
    public ImageException(String message) {
        super(message);
    }

    /** As {@link #ImageException(String)} with the underlying cause. */
    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
