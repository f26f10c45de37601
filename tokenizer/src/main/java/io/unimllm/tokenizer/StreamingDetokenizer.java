package io.unimllm.tokenizer;

import java.util.Arrays;

/**
 * Turns a stream of token ids into text deltas. Decodes the whole sequence so far and emits what is new, holding back
 * text that ends in an incomplete UTF-8 sequence (U+FFFD from byte-fallback tokens) until the next token completes it,
 * so the concatenation of all deltas equals the one-shot decode and no delta contains a broken character. Special
 * tokens are written out ({@code <task_seg>}). Not thread-safe: one per generation.
 */
public final class StreamingDetokenizer {
    private final UnimllmTokenizer tokenizer;
    private int[] ids = new int[16];
    private int n;
    private int emitted;

    StreamingDetokenizer(UnimllmTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds one id and returns the text it completes (possibly empty). */
    public String push(int id) {
        if (n == ids.length) {
            ids = Arrays.copyOf(ids, n * 2);
        }
        ids[n++] = id;
        String text = tokenizer.decode(Arrays.copyOf(ids, n), false);
        if (text.endsWith("\uFFFD") || text.length() < emitted) {
            return "";
        }
        String delta = text.substring(emitted);
        emitted = text.length();
        return delta;
    }

    /** Everything decoded so far. */
    public String text() {
        return tokenizer.decode(Arrays.copyOf(ids, n), false);
    }

    /** Text still held back at the end of the stream (a trailing incomplete character becomes U+FFFD). */
    public String flush() {
        String text = text();
        String rest = text.length() > emitted ? text.substring(emitted) : "";
        emitted = text.length();
        return rest;
    }
}
