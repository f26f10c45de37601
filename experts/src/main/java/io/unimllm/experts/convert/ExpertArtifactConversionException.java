package io.unimllm.experts.convert;

import io.unimllm.router.spi.ExpertException;

/** The fetch-and-convert script failed or could not be started; the message carries the tail of its output. */
public class ExpertArtifactConversionException extends ExpertException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception without an underlying cause.
     *
     * @param message what failed, with the script's output
     */
    public ExpertArtifactConversionException(String message) {
        super(message);
    }

    /**
     * An exception caused by another one (the script could not be started, the wait was interrupted).
     *
     * @param message what failed
     * @param cause the underlying error
     */
    public ExpertArtifactConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
