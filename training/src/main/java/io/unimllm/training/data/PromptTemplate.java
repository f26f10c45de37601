package io.unimllm.training.data;

/**
 * Renders the user turn into the prompt text that precedes the assistant's answer, e.g.
 * {@code u -> "USER: " + u + "\nASSISTANT: "}.
 */
@FunctionalInterface
public interface PromptTemplate {
    /** The prompt text for a user turn (which carries the {@code <image>} placeholder). */
    String render(String userContent);

    /** The identity template: the prompt is the user turn followed by a newline. */
    static PromptTemplate plain() {
        return u -> u + "\n";
    }
}
