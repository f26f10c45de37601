package io.unimllm.core;

import java.nio.file.Path;
import java.util.Optional;

/** config.json (or another model configuration file) is missing, malformed, unsupported or inconsistent. */
public class ConfigException extends UnimllmException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    /** @param message what was wrong, naming the field; @param file the configuration file (may be null) */
    public ConfigException(String message, Path file) {
        this(message, file, null);
    }

    /** As {@link #ConfigException(String, Path)} with the underlying cause. */
    public ConfigException(String message, Path file, Throwable cause) {
        super(file == null ? message : message + " [file " + file + "]", cause);
        this.file = file;
    }

    /** The configuration file concerned, when known. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
