package io.unimllm.tokenizer;

import java.util.Objects;

/**
 * One message of a conversation.
 *
 * @param role who speaks
 * @param content the message text, used verbatim (it may contain {@code <image>} and other special tokens)
 */
public record ChatTurn(Role role, String content) {
    /** Who speaks in a {@link ChatTurn}. */
    public enum Role {
        /** Instructions for the assistant (system prompt). */
        SYSTEM,
        /** The human. */
        USER,
        /** The model. */
        ASSISTANT
    }

    /**
     * Validates the fields.
     *
     * @param role who speaks
     * @param content the message text
     */
    public ChatTurn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /**
     * A turn with the system prompt; templates allow it only as the first turn.
     *
     * @param content system prompt
     * @return a system turn
     */
    public static ChatTurn system(String content) {
        return new ChatTurn(Role.SYSTEM, content);
    }

    /**
     * A turn of the human.
     *
     * @param content the user's message
     * @return a user turn
     */
    public static ChatTurn user(String content) {
        return new ChatTurn(Role.USER, content);
    }

    /**
     * The LLaVA convention for a message about an image: {@code "<image>\n" + instruction}.
     *
     * @param instruction the user's message
     * @return a user turn starting with the image placeholder
     */
    public static ChatTurn userWithImage(String instruction) {
        return new ChatTurn(Role.USER, ChatTemplate.IMAGE_TOKEN + "\n" + instruction);
    }

    /**
     * A turn of the model, for example an earlier answer in a multi-turn conversation.
     *
     * @param content the model's answer
     * @return an assistant turn
     */
    public static ChatTurn assistant(String content) {
        return new ChatTurn(Role.ASSISTANT, content);
    }
}
