package io.unimllm.core;

import io.unimllm.protocol.UnimllmException;
import java.nio.file.Path;
import java.util.Optional;

/** A checkpoint file is missing, corrupt, truncated, or holds a tensor that does not fit the model. */
public class CheckpointException extends UnimllmException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String tensor;

    /**
     * A checkpoint error; the file and tensor, when given, are appended to the message.
     *
     * @param message what was wrong
     * @param file the file concerned (may be null)
     * @param tensor the tensor concerned (may be null)
     */
    public CheckpointException(String message, Path file, String tensor) {
        this(message, file, tensor, null);
    }

    /**
     * As {@link #CheckpointException(String, Path, String)} with the underlying cause.
     *
     * @param message what was wrong
     * @param file the file concerned (may be null)
     * @param tensor the tensor concerned (may be null)
     * @param cause the error that led to this one (may be null)
     */
    public CheckpointException(String message, Path file, String tensor, Throwable cause) {
        super(describe(message, file, tensor), cause);
        this.file = file;
        this.tensor = tensor;
    }

    private static String describe(String message, Path file, String tensor) {
        StringBuilder sb = new StringBuilder(message);
        if (file != null) {
            sb.append(" [file ").append(file).append(']');
        }
        if (tensor != null) {
            sb.append(" [tensor ").append(tensor).append(']');
        }
        return sb.toString();
    }

    /**
     * The file concerned, when known.
     *
     * @return the file, or empty when none was given
     */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * The tensor concerned, when known.
     *
     * @return the tensor name, or empty when none was given
     */
    public Optional<String> tensor() {
        return Optional.ofNullable(tensor);
    }
}
