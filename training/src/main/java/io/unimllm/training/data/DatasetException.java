package io.unimllm.training.data;

import java.nio.file.Path;

/** A dataset file is malformed; the message names the file, the 1-based line and what is wrong. */
public final class DatasetException extends RuntimeException {
    private final Path file;
    private final long line;

    /** An error at {@code line} (1-based; 0 when not tied to a line) of {@code file}. */
    public DatasetException(Path file, long line, String problem, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    /** An error at {@code line} of {@code file}. */
    public DatasetException(Path file, long line, String problem) {
        this(file, line, problem, null);
    }

    /** The dataset file. */
    public Path file() {
        return file;
    }

    /** The 1-based line number, or 0 when the error is not about one line. */
    public long line() {
        return line;
    }
}
