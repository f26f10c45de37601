package io.unimllm.training.data;

/** Turns text into token ids; implemented by whatever tokenizer the model uses (no special tokens added). */
@FunctionalInterface
public interface TextEncoder {
    /** The token ids of {@code text}, without BOS/EOS. */
    int[] encode(String text);
}
