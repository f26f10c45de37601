package io.unimllm.protocol;

import java.nio.file.Path;
import java.util.Optional;

/** config.json (or another model configuration file) is missing, malformed, unsupported or inconsistent. */
public class ConfigException extends UnimllmException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    /**
     * An error without an underlying cause.
     *
     * @param message what was wrong, naming the field
     * @param file the configuration file, or null when there is none (a document passed as text); when given it is
     *     appended to the message
     */
    public ConfigException(String message, Path file) {
        this(message, file, null);
    }

    /**
     * An error caused by another one, for example the JSON parser's.
     *
     * @param message what was wrong, naming the field
     * @param file the configuration file, or null when there is none; when given it is appended to the message
     * @param cause the underlying error, or null
     */
    public ConfigException(String message, Path file, Throwable cause) {
        super(file == null ? message : message + " [file " + file + "]", cause);
        this.file = file;
    }

    /**
     * The configuration file concerned.
     *
     * @return the file, empty when the configuration did not come from one
     */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
