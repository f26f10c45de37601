package io.unimllm.training.data;

import java.util.Objects;

/**
 * One turn of a conversation.
 *
 * @param role {@code user}, {@code assistant} or {@code system}
 * @param content the text; a user turn starts with {@code <image>\n} when it carries the image
 */
public record Message(String role, String content) {
    /** The placeholder the image's embeddings replace. */
    public static final String IMAGE_PLACEHOLDER = "<image>";

    /**
     * Checks that neither component is null.
     *
     * @param role {@code user}, {@code assistant} or {@code system}
     * @param content the text; a user turn starts with {@code <image>\n} when it carries the image
     */
    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /**
     * A user turn.
     *
     * @param content the text
     * @return the turn
     */
    public static Message user(String content) {
        return new Message("user", content);
    }

    /**
     * An assistant turn.
     *
     * @param content the text
     * @return the turn
     */
    public static Message assistant(String content) {
        return new Message("assistant", content);
    }
}
