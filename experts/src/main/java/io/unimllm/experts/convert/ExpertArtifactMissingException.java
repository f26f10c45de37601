package io.unimllm.experts.convert;

import io.unimllm.router.spi.ExpertException;
import java.nio.file.Path;

/** A converted expert model file is not where it was looked for; the message says where and how to make it. */
public class ExpertArtifactMissingException extends ExpertException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    /**
     * An exception whose message names the path, the script command that makes the file, and the option that points
     * at an existing one.
     *
     * @param artifact the expert whose file is missing
     * @param path where it was looked for
     */
    public ExpertArtifactMissingException(ExpertArtifact artifact, Path path) {
        super("converted " + artifact.expert() + " model not found at " + path + "; create it with `"
                + ExpertArtifacts.SCRIPT + " " + artifact.expert() + "` from the repository root, or set option '"
                + artifact.pathOption() + "' to an existing file");
        this.path = path;
    }

    /**
     * Where the file was looked for.
     *
     * @return the path, as {@link ExpertArtifacts#locate} gave it; null after deserialisation
     */
    public Path path() {
        return path;
    }
}
