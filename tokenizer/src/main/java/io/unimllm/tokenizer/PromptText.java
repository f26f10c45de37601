package io.unimllm.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A prompt as a chat template builds it: {@link Markup} parts, the template's own syntax, in which special-token
 * strings ({@code "<image>"}, {@code "</s>"}, {@code "<|im_start|>"}) are control tokens, and {@link Literal} parts,
 * what a user, a system prompt or an earlier answer says, in which they never are: a literal {@code "</s>"} is
 * encoded as the characters {@code <}, {@code /}, {@code s}, {@code >}, as Hugging Face encodes text with
 * {@code split_special_tokens=True}. {@link UnimllmTokenizer#encode(PromptText, boolean)} encodes it, and
 * {@link ChatTemplate#renderPrompt(java.util.List, boolean)} renders a conversation into it with every turn's
 * content literal.
 *
 * <p>Where no control token separates them, adjacent parts are encoded as one text, so a prompt whose literal parts
 * hold no special-token string encodes to exactly the ids of {@link #text()} encoded with
 * {@link UnimllmTokenizer#encode(String, boolean)}: the parts change what is a control token, never how the
 * words around it are split.
 *
 * @param parts the parts in order (empty ones are dropped)
 */
public record PromptText(List<Part> parts) {

    /** One piece of a {@link PromptText}. */
    public sealed interface Part permits Markup, Literal {
        /**
         * The text of the part.
         *
         * @return the characters, verbatim
         */
        String content();
    }

    /**
     * Template syntax: every special-token string in it becomes that token's id.
     *
     * @param content the template text, for example {@code "<image>\nUSER: "} or {@code "<|im_end|>\n"}
     */
    public record Markup(String content) implements Part {
        /**
         * Validates the text.
         *
         * @param content the template text
         */
        public Markup {
            Objects.requireNonNull(content, "content");
        }
    }

    /**
     * Text that is never a control token, whatever it holds.
     *
     * @param content the text, for example the user's instruction
     */
    public record Literal(String content) implements Part {
        /**
         * Validates the text.
         *
         * @param content the text
         */
        public Literal {
            Objects.requireNonNull(content, "content");
        }
    }

    /**
     * Copies the parts, dropping empty ones.
     *
     * @param parts the parts in order
     * @throws NullPointerException if the list or a part is null
     */
    public PromptText {
        Objects.requireNonNull(parts, "parts");
        List<Part> kept = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            Part p = Objects.requireNonNull(parts.get(i), "part " + i);
            if (!p.content().isEmpty()) {
                kept.add(p);
            }
        }
        parts = List.copyOf(kept);
    }

    /**
     * A prompt that is all literal text, such as a user's message encoded on its own.
     *
     * @param text the text
     * @return a prompt of one literal part
     */
    public static PromptText literal(String text) {
        return new PromptText(List.of(new Literal(text)));
    }

    /**
     * A builder that appends parts in order.
     *
     * @return a new, empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The prompt as one string, for display and logging (encoding this string with
     * {@link UnimllmTokenizer#encode(String, boolean)} would read the literal parts' special-token strings as
     * control tokens; encode the {@code PromptText} instead).
     *
     * @return the concatenation of every part's content
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            sb.append(p.content());
        }
        return sb.toString();
    }

    /** Appends {@link Markup} and {@link Literal} parts in order. */
    public static final class Builder {
        private final List<Part> parts = new ArrayList<>();

        private Builder() {
        }

        /**
         * Appends template syntax, whose special-token strings become control tokens.
         *
         * @param text the template's text; never text that a user or a document supplied
         * @return this builder
         */
        public Builder markup(String text) {
            parts.add(new Markup(text));
            return this;
        }

        /**
         * Appends text that is never a control token.
         *
         * @param text any text
         * @return this builder
         */
        public Builder literal(String text) {
            parts.add(new Literal(text));
            return this;
        }

        /**
         * Builds the prompt.
         *
         * @return the prompt with the parts appended so far
         */
        public PromptText build() {
            return new PromptText(parts);
        }
    }
}
