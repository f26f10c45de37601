package io.unimllm.experts.convert;

import io.unimllm.router.spi.ExpertException;

/** The fetch-and-convert script failed or could not be started; the message carries the tail of its output. */
public class ExpertArtifactConversionException extends ExpertException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, with the script's output */
    public ExpertArtifactConversionException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause the underlying error
     */
    public ExpertArtifactConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
