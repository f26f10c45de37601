package io.unimllm.tokenizer;

import java.util.Arrays;
import java.util.Objects;

/**
 * Turns a stream of generated token ids into text deltas, one {@link #push(int)} per id.
 *
 * <p>It keeps a small window of ids and re-decodes it with the tokenizer's own decoder: the delta is the
 * part of the window's text beyond what was already emitted. Text is held back while it ends in an
 * incomplete UTF-8 sequence (byte-fallback tokens such as {@code <0xE2>} decode to U+FFFD until the
 * character is complete), so a delta never contains a broken character. Because the window always starts
 * with an already-emitted token, SentencePiece's "strip the very first leading space" applies only at the
 * start of the stream, as in a one-shot decode. Special tokens are rendered verbatim (for example
 * {@code "<task_seg>"}) unless the detokenizer was built to skip them.
 *
 * <p>Invariant: for ids that form a complete sequence, the concatenation of all deltas followed by
 * {@link #flush()} equals {@code tokenizer.decode(ids, skipSpecial)}.
 *
 * <p>Not thread-safe; use one per generation stream.
 */
public final class StreamingDetokenizer {
    private static final char REPLACEMENT = '\uFFFD';

    private final UnimllmTokenizer tokenizer;
    private final boolean skipSpecial;
    private int[] ids = new int[64];
    private int size;
    /** Start of the decode window: the first id whose text was already (partly) emitted as context. */
    private int prefixOffset;
    /** End of what has been emitted: ids before this index are fully accounted for in the output. */
    private int readOffset;

    /**
     * A detokenizer at the start of a stream.
     *
     * @param tokenizer the tokenizer whose decoder is used (not closed by this object)
     * @param skipSpecial whether special tokens are left out of the text
     */
    public StreamingDetokenizer(UnimllmTokenizer tokenizer, boolean skipSpecial) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.skipSpecial = skipSpecial;
    }

    /**
     * Adds the next generated id.
     *
     * @param id token id
     * @return the new text it completes, possibly empty (for example half of a multi-byte character)
     * @throws TokenizerException if the id is not in the vocabulary
     */
    public String push(int id) {
        tokenizer.token(id); // validates the id now rather than at some later decode
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        String prefixText = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset), skipSpecial);
        String newText = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size), skipSpecial);
        if (newText.length() > prefixText.length() && newText.charAt(newText.length() - 1) != REPLACEMENT
                && newText.startsWith(prefixText)) {
            prefixOffset = readOffset;
            readOffset = size;
            return newText.substring(prefixText.length());
        }
        return "";
    }

    /**
     * Emits whatever is still held back (an incomplete character is emitted as U+FFFD, as a one-shot
     * decode would render it) and starts a new stream.
     *
     * @return the remaining text, possibly empty
     */
    public String flush() {
        String rest = "";
        if (readOffset < size) {
            String prefixText = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset), skipSpecial);
            String newText = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size), skipSpecial);
            rest = newText.startsWith(prefixText) ? newText.substring(prefixText.length()) : newText;
        }
        reset();
        return rest;
    }

    /** Forgets all ids pushed so far, so that the next push starts a new text. */
    public void reset() {
        size = 0;
        prefixOffset = 0;
        readOffset = 0;
    }

    /**
     * The ids of the current stream.
     *
     * @return a copy of the ids pushed since the last flush or reset
     */
    public int[] ids() {
        return Arrays.copyOf(ids, size);
    }
}
