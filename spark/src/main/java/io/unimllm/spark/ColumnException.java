package io.unimllm.spark;

import io.unimllm.protocol.UnimllmException;

/**
 * A dataset that does not fit the transformer: a column it reads is missing or of a type it cannot read, or a column
 * it would add already exists. Raised on the driver, by {@code transformSchema} and {@code transform}, before any
 * task runs.
 */
public class ColumnException extends UnimllmException {
    private static final long serialVersionUID = 1L;

    /**
     * A column error.
     *
     * @param message what is wrong, naming the column, its type and the columns there are
     */
    public ColumnException(String message) {
        super(message);
    }
}
