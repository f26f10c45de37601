package io.unimllm.tokenizer;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation.
 *
 * @param role who speaks
 * @param content the message text; {@link ChatTemplate#renderPrompt(List, boolean)} makes it literal text, so a
 *     special-token string in it ({@code "<image>"}, {@code "</s>"}) never becomes a control token there
 * @param images the image placeholders (for example {@code "<image>"}) the template writes before the content, one
 *     per image and each followed by a newline; empty for a turn without images, which only a user turn may have
 */
public record ChatTurn(Role role, String content, List<String> images) {
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
     * @param images the image placeholders before the content
     * @throws IllegalArgumentException if a turn other than a user turn has images, or a placeholder is empty
     */
    public ChatTurn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        images = List.copyOf(images);
        if (!images.isEmpty() && role != Role.USER) {
            throw new IllegalArgumentException("only a user turn can have images, not a " + role + " turn");
        }
        for (String image : images) {
            if (image.isEmpty()) {
                throw new IllegalArgumentException("an image placeholder must not be empty");
            }
        }
    }

    /**
     * A turn without images.
     *
     * @param role who speaks
     * @param content the message text
     */
    public ChatTurn(Role role, String content) {
        this(role, content, List.of());
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
     * The LLaVA convention for a message about an image: the placeholder {@link ChatTemplate#IMAGE_TOKEN}, a
     * newline, then the instruction.
     *
     * @param instruction the user's message
     * @return a user turn with one image
     */
    public static ChatTurn userWithImage(String instruction) {
        return userWithImage(ChatTemplate.IMAGE_TOKEN, instruction);
    }

    /**
     * A message about an image whose placeholder is another token than {@code <image>}.
     *
     * @param imageToken the image placeholder the model's config names
     * @param instruction the user's message
     * @return a user turn with one image
     * @throws IllegalArgumentException if the placeholder is empty
     */
    public static ChatTurn userWithImage(String imageToken, String instruction) {
        return new ChatTurn(Role.USER, instruction, List.of(Objects.requireNonNull(imageToken, "imageToken")));
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
