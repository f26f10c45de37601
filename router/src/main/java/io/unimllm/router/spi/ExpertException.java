package io.unimllm.router.spi;

/** An expert could not serve a request; the message says what was missing or wrong. */
public class ExpertException extends Exception {
    private static final long serialVersionUID = 1L;

    public ExpertException(String message) {
        super(message);
    }

    public ExpertException(String message, Throwable cause) {
        super(message, cause);
    }
}
