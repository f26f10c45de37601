package io.unimllm.examples;

/** A text progress bar for the CLI. */
final class Progress {
    private Progress() {
    }

    /** Load options that draw a bar on stderr while the checkpoint's tensors load. */
    static io.unimllm.core.model.LoadOptions loading() {
        return io.unimllm.core.model.LoadOptions.builder().progress((done, total) -> {
            if (done % 8 == 0 || done == total) {
                System.err.printf("\rloading %s %d/%d tensors", bar(done, total), done, total);
            }
        }).build();
    }

    /** {@code [#######.......]} for {@code done} of {@code total}. */
    static String bar(int done, int total) {
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
