package io.unimllm.protocol.codec;

/**
 * A read position in text that may still grow. Reading past the end of the text seen so far throws
 * {@link NeedMore} unless the input has ended, in which case {@link #EOF} is read: so a scanner written for complete
 * text decides nothing it could not decide on a longer text, which keeps streaming and whole-text parsing equal.
 */
final class Cursor {
    /** Read at the end of an ended input. */
    static final int EOF = -1;

    /** Control-flow signal: the scan needs more text. Carries no stack trace. */
    static final class NeedMore extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private NeedMore() {
            super("need more input", null, false, false);
        }
    }

    static final NeedMore NEED_MORE = new NeedMore();

    private final CharSequence text;
    private final boolean endOfInput;
    int pos;

    Cursor(CharSequence text, int pos, boolean endOfInput) {
        this.text = text;
        this.pos = pos;
        this.endOfInput = endOfInput;
    }

    /** The character at {@code pos + ahead}, or {@link #EOF}. */
    int peek(int ahead) {
        int i = pos + ahead;
        if (i < text.length()) {
            return text.charAt(i);
        }
        if (endOfInput) {
            return EOF;
        }
        throw NEED_MORE;
    }

    int peek() {
        return peek(0);
    }

    boolean atEof() {
        return peek() == EOF;
    }

    /** Whether {@code literal} comes next; does not move. */
    boolean lookingAt(String literal) {
        for (int i = 0; i < literal.length(); i++) {
            if (peek(i) != literal.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Moves past {@code literal} if it comes next. */
    boolean accept(String literal) {
        if (lookingAt(literal)) {
            pos += literal.length();
            return true;
        }
        return false;
    }

    /**
     * Whether the text from here to the end of an ended input is a non-empty proper prefix of {@code literal}
     * (a special token cut off by the length limit).
     */
    boolean truncatedPrefixOf(String literal) {
        int rest = text.length() - pos;
        return endOfInput && rest > 0 && rest < literal.length()
                && literal.startsWith(text.subSequence(pos, text.length()).toString());
    }

    void skipSpaces() {
        while (peek() == ' ') {
            pos++;
        }
    }

    /** Moves to the end of the text (for dropping a cut-off tail). */
    void toEnd() {
        pos = text.length();
    }

    /**
     * Reads an optionally signed integer; returns null (and does not move) when none comes next. Magnitudes beyond
     * a billion saturate so a run of digits can never overflow.
     */
    Long readInt() {
        int start = pos;
        boolean negative = false;
        if (peek() == '-') {
            negative = true;
            pos++;
        }
        long v = 0;
        int digits = 0;
        int c;
        while ((c = peek()) >= '0' && c <= '9') {
            v = Math.min(v * 10 + (c - '0'), 1_000_000_000L);
            digits++;
            pos++;
        }
        if (digits == 0) {
            pos = start;
            return null;
        }
        return negative ? -v : v;
    }

    /** Reads an optionally signed decimal number {@code -?d*(.d*)?} with at least one digit; null when none. */
    String readDecimal() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int digits = 0;
        int c;
        while ((c = peek()) >= '0' && c <= '9') {
            digits++;
            pos++;
        }
        if (peek() == '.') {
            pos++;
            while ((c = peek()) >= '0' && c <= '9') {
                digits++;
                pos++;
            }
        }
        if (digits == 0) {
            pos = start;
            return null;
        }
        return text.subSequence(start, pos).toString();
    }

    /** Reads characters up to (not including) the first of {@code stops} or the end of an ended input. */
    String readUntilAny(String stops) {
        int start = pos;
        int c;
        while ((c = peek()) != EOF && stops.indexOf(c) < 0) {
            pos++;
        }
        return text.subSequence(start, pos).toString();
    }
}
