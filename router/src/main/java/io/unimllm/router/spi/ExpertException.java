package io.unimllm.router.spi;

/**
 * An expert could not serve a request, or could not be created; the message says what was missing or wrong. Thrown
 * from {@link ExpertModel#run}, it ends the task with status {@link io.unimllm.router.TaskStatus#FAILED} and becomes
 * the task's error; thrown from {@link ExpertProvider#create}, it makes the router skip the provider.
 */
public class ExpertException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * An exception without an underlying cause.
     *
     * @param message what was missing or wrong, naming the expert
     */
    public ExpertException(String message) {
        super(message);
    }

    /**
     * An exception caused by another one (an inference error, an I/O error).
     *
     * @param message what was missing or wrong, naming the expert
     * @param cause the underlying error
     */
    public ExpertException(String message, Throwable cause) {
        super(message, cause);
    }
}
