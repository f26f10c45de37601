package io.unimllm.protocol.parse;

import io.unimllm.protocol.ParseWarning;
import io.unimllm.protocol.ProtocolException;

/**
 * How an {@link OutputParser} treats output that breaks the protocol: lenient (the default) repairs or drops it
 * and records a {@link ParseWarning}; strict throws a {@link ProtocolException} with the same message instead.
 */
public final class ParserOptions {
    private static final ParserOptions LENIENT = new ParserOptions(false);
    private static final ParserOptions STRICT = new ParserOptions(true);

    private final boolean strict;

    private ParserOptions(boolean strict) {
        this.strict = strict;
    }

    /**
     * Lenient parsing: repair or drop, and warn.
     *
     * @return the lenient options
     */
    public static ParserOptions defaults() {
        return LENIENT;
    }

    /**
     * Strict or lenient parsing.
     *
     * @param strict true to throw on the first protocol violation, false to repair or drop and warn
     * @return the strict options when {@code strict} is true, else the lenient ones
     */
    public static ParserOptions strict(boolean strict) {
        return strict ? STRICT : LENIENT;
    }

    /**
     * Whether a protocol violation throws.
     *
     * @return true for strict parsing
     */
    public boolean isStrict() {
        return strict;
    }

    @Override
    public String toString() {
        return strict ? "ParserOptions[strict]" : "ParserOptions[lenient]";
    }
}
