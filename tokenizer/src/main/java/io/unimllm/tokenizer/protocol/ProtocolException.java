package io.unimllm.tokenizer.protocol;

/**
 * A model's output broke the token protocol and the parser runs in strict mode
 * ({@link ParserOptions#strict(boolean)}); the message is the same as the lenient mode's warning.
 */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ParseWarning warning;

    /** An exception for the violation the lenient parser would have reported as {@code warning}. */
    public ProtocolException(ParseWarning warning) {
        super(warning.describe());
        this.warning = warning;
    }

    /** What went wrong and where. */
    public ParseWarning warning() {
        return warning;
    }
}
