package io.unimllm.tokenizer.protocol;

/**
 * Something in the model's output that was repaired or dropped.
 *
 * @param message what was wrong and what was done about it
 * @param offset character offset in the decoded answer where the problem starts
 */
public record ParseWarning(String message, int offset) {
    @Override
    public String toString() {
        return message + " (at character " + offset + ")";
    }
}
