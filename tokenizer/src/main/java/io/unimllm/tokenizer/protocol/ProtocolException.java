package io.unimllm.tokenizer.protocol;

/** Thrown in strict mode for output that lenient mode would repair or drop (the message is the warning's). */
public class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ParseWarning warning;

    /** @param warning the problem found */
    public ProtocolException(ParseWarning warning) {
        super(warning.toString());
        this.warning = warning;
    }

    /** The problem found. */
    public ParseWarning warning() {
        return warning;
    }
}
