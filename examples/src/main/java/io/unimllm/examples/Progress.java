package io.unimllm.examples;

/** A text progress bar for the CLI. */
final class Progress {
    private Progress() {
    }

    /** {@code [#######.......]} for {@code done} of {@code total}. */
    static String bar(int done, int total) {
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
