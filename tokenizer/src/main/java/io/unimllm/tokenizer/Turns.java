package io.unimllm.tokenizer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Shared validation of conversations for the {@link ChatTemplate} implementations. */
final class Turns {
    private Turns() {
    }

    /** @return the turns after an optional leading system turn; fails if empty or a system turn is elsewhere */
    static List<ChatTurn> body(List<ChatTurn> turns, String template) {
        Objects.requireNonNull(turns, "turns");
        if (turns.isEmpty()) {
            throw new IllegalArgumentException(template + " template: the conversation has no turns");
        }
        for (int i = 0; i < turns.size(); i++) {
            Objects.requireNonNull(turns.get(i), "turn " + i);
            if (i > 0 && turns.get(i).role() == ChatTurn.Role.SYSTEM) {
                throw misplacedSystem(template);
            }
        }
        return turns.get(0).role() == ChatTurn.Role.SYSTEM ? turns.subList(1, turns.size()) : turns;
    }

    static Optional<String> system(List<ChatTurn> turns) {
        return turns.get(0).role() == ChatTurn.Role.SYSTEM ? Optional.of(turns.get(0).content()) : Optional.empty();
    }

    static ChatTurn.Role last(List<ChatTurn> body) {
        return body.isEmpty() ? null : body.get(body.size() - 1).role();
    }

    /** Appends the turn's image placeholders as markup, each followed by a newline, and returns the builder. */
    static PromptText.Builder images(PromptText.Builder prompt, ChatTurn turn) {
        for (String image : turn.images()) {
            prompt.markup(image + "\n");
        }
        return prompt;
    }

    static IllegalArgumentException misplacedSystem(String template) {
        return new IllegalArgumentException(template + " template: a system turn is only allowed first");
    }
}
