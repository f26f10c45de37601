package io.unimllm.training.data;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.Objects;

/** A {@link TextEncoder} backed by a DJL {@link HuggingFaceTokenizer}; adds no special tokens, never truncates. */
public final class HuggingFaceTextEncoder implements TextEncoder {
    private final HuggingFaceTokenizer tokenizer;

    /** Wraps {@code tokenizer}; the caller keeps ownership and closes it. */
    public HuggingFaceTextEncoder(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}
