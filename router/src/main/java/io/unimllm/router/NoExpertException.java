package io.unimllm.router;

/** No registered expert serves a task type with the inputs the task carries. */
public class NoExpertException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message which task type and what is registered */
    public NoExpertException(String message) {
        super(message);
    }
}
