package io.unimllm.training.data;

import io.unimllm.protocol.UnimllmException;
import java.nio.file.Path;

/** A dataset file is malformed; the message names the file, the 1-based line and what is wrong. */
public final class DatasetException extends UnimllmException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long line;

    /**
     * An error at {@code line} of {@code file}, with its cause.
     *
     * @param file the dataset file
     * @param line the 1-based line; 0 when the error is not tied to a line
     * @param problem what is wrong
     * @param cause the underlying exception, or null
     */
    public DatasetException(Path file, long line, String problem, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    /**
     * An error at {@code line} of {@code file}.
     *
     * @param file the dataset file
     * @param line the 1-based line; 0 when the error is not tied to a line
     * @param problem what is wrong
     */
    public DatasetException(Path file, long line, String problem) {
        this(file, line, problem, null);
    }

    /**
     * The dataset file.
     *
     * @return its path as given to the reader
     */
    public Path file() {
        return file;
    }

    /**
     * The line of the error.
     *
     * @return the 1-based line number, or 0 when the error is not about one line
     */
    public long line() {
        return line;
    }
}
