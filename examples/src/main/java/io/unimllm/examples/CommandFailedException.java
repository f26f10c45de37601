package io.unimllm.examples;

/**
 * A command could not do its work for a reason it can state in one line (no GPU for {@code --device gpu}, ...):
 * printed without a stack trace, exit code 1.
 */
final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and, where there is one, what to do about it
     */
    CommandFailedException(String message) {
        super(message);
    }
}
