package io.unimllm.router;

import io.unimllm.protocol.UnimllmException;

/**
 * No registered expert serves a task type with the inputs the task carries. The router does not throw it: it is the
 * error of a task whose status is {@link TaskStatus#NO_EXPERT} or {@link TaskStatus#SKIPPED}.
 */
public class NoExpertException extends UnimllmException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the unserved task.
     *
     * @param message which task type and inputs, and which experts are registered
     */
    public NoExpertException(String message) {
        super(message);
    }
}
