package io.unimllm.protocol;

/**
 * A model's output broke the token protocol and the parser runs in strict mode
 * ({@code io.unimllm.protocol.parse.ParserOptions.strict(true)}); the message is the one the lenient mode's warning
 * describes.
 */
public final class ProtocolException extends UnimllmException {
    private static final long serialVersionUID = 1L;

    private final transient ParseWarning warning;

    /**
     * An exception for the violation the lenient parser would have reported as {@code warning}.
     *
     * @param warning the violation; its {@link ParseWarning#describe()} is the message
     */
    public ProtocolException(ParseWarning warning) {
        super(warning.describe());
        this.warning = warning;
    }

    /**
     * What went wrong and where.
     *
     * @return the violation, as the lenient parser would have recorded it
     */
    public ParseWarning warning() {
        return warning;
    }
}
