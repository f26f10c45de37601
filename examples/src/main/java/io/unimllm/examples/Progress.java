package io.unimllm.examples;

import io.unimllm.core.model.LoadOptions;

/** A text progress bar for the CLI, drawn on stderr only when asked (see {@link Main#progress()}). */
final class Progress {
    private Progress() {
    }

    /**
     * Load options that draw a bar on stderr while the checkpoint's tensors load.
     *
     * @param show false for options that draw nothing
     * @return a builder to add the device to
     */
    static LoadOptions.Builder loading(boolean show) {
        LoadOptions.Builder options = LoadOptions.builder();
        if (show) {
            options.progress((done, total) -> {
                if (done % 8 == 0 || done == total) {
                    System.err.printf("\rloading %s %d/%d tensors", bar(done, total), done, total);
                }
            });
        }
        return options;
    }

    /** {@code [#######.......]} for {@code done} of {@code total}. */
    static String bar(int done, int total) {
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
