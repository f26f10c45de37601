package io.unimllm.protocol;

import java.util.Objects;

/**
 * Something in a model's output that did not follow the protocol, and what the parser did about it.
 *
 * @param kind what went wrong
 * @param message what was found and what was done (repaired or dropped), without the position
 * @param charIndex index of the offending character in the generated text (0-based)
 * @param tokenIndex index of the generated token holding that character, or -1 when unknown
 */
public record ParseWarning(Kind kind, String message, int charIndex, int tokenIndex) {

    /** The kinds of protocol violation the parser recognises; docs/protocol.md gives each one's outcome. */
    public enum Kind {
        /** A token shaped like {@code <task_xxx>} that the task vocabulary does not name: dropped. */
        UNKNOWN_TASK_TOKEN,
        /** A task token while another task was still open: the open task is closed first (repair). */
        NESTED_TASK,
        /** A {@code </task>} with no open task: dropped. */
        STRAY_TASK_END,
        /** The output ended inside a task's arguments: the task is closed at the end (repair). */
        UNTERMINATED_TASK,
        /** A grounding whose closing token never came: dropped. */
        UNTERMINATED_GROUNDING,
        /** A grounding with the wrong number of coordinates or cells: dropped. */
        WRONG_ARITY,
        /** A coordinate outside the dialect's range: clamped to the range (repair). */
        OUT_OF_RANGE,
        /** A box whose second corner lies before its first: the corners are swapped (repair). */
        SWAPPED_CORNERS,
        /** A grounding with an unexpected character inside it: dropped up to that character. */
        MALFORMED_GROUNDING,
        /** The output ended in the middle of a special token (generation hit its length limit): dropped. */
        TRUNCATED_TOKEN,
        /**
         * Syntax the dialect does not allow but whose meaning is clear (a JSON label with an unescaped quote, a
         * missing comma between JSON objects, single-quoted strings): read anyway (repair).
         */
        REPAIRED_SYNTAX,
        /**
         * A hidden-state slot token where no slot is due: outside a task, in a task whose vocabulary entry declares
         * no such slot next, or after the task's slots are complete: dropped.
         */
        STRAY_SLOT_TOKEN,
        /**
         * A task that ended before the model wrote all the slot tokens its vocabulary declares for it: the task is
         * kept with the slots it has (an expert that needs all of them fails on it).
         */
        MISSING_SLOT_TOKENS,
        /**
         * About the prompt, not the output: words of the user's instruction that the tokenizer does not know (they
         * reached the model as its unknown token, which training may never have shown it); the answer may be wrong.
         * The character index is the first such word's in the instruction.
         */
        UNKNOWN_WORDS
    }

    /**
     * Checks that {@code kind} and {@code message} are present.
     *
     * @param kind what went wrong
     * @param message what was found and what was done
     * @param charIndex index of the offending character in the generated text
     * @param tokenIndex index of the token holding that character, or -1 when unknown
     */
    public ParseWarning {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    /**
     * A warning at a character whose token is not known yet (codecs scan text, not tokens).
     *
     * @param kind what went wrong
     * @param charIndex index of the offending character in the scanned text
     * @param message what was found and what was done
     * @return the warning, with token index -1
     */
    public static ParseWarning at(Kind kind, int charIndex, String message) {
        return new ParseWarning(kind, message, charIndex, -1);
    }

    /**
     * This warning with its token index filled in.
     *
     * @param index index of the generated token holding the offending character, or -1 when unknown
     * @return a copy of this warning with that token index
     */
    public ParseWarning withTokenIndex(int index) {
        return new ParseWarning(kind, message, charIndex, index);
    }

    /**
     * Same as {@link #charIndex()}.
     *
     * @return index of the offending character in the generated text
     */
    public int offset() {
        return charIndex;
    }

    /** {@link #describe()}. */
    @Override
    public String toString() {
        return describe();
    }

    /**
     * One line for logs and exception messages.
     *
     * @return the kind, the message and the position (character, and token when known)
     */
    public String describe() {
        return kind + ": " + message + " (at char " + charIndex + (tokenIndex >= 0 ? ", token " + tokenIndex : "")
                + ")";
    }
}
