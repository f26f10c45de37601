package io.unimllm.tokenizer.codec;

/** Detects a tag cut off at the end of a text that is still being generated. */
final class TagTail {
    private TagTail() {
    }

    /** Offset of a proper prefix of one of {@code tags} at the very end of {@code text} (after {@code from}), or -1. */
    static int partialTagAt(String text, int from, String... tags) {
        int lt = text.lastIndexOf('<');
        if (lt < from || lt < 0) {
            return -1;
        }
        String tail = text.substring(lt);
        for (String t : tags) {
            if (t.startsWith(tail) && !t.equals(tail)) {
                return lt;
            }
        }
        return -1;
    }
}
