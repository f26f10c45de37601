package io.unimllm.tokenizer;

import java.util.Objects;

/**
 * A token that the tokenizer matches verbatim in text before any normalisation or sub-word splitting
 * (Hugging Face "added token"), so that its string always encodes to exactly one id.
 *
 * @param content the exact token string, for example {@code "<image>"}
 * @param id its id in the vocabulary
 * @param special whether it is a special (control) token: skipped by {@code decode(ids, true)}
 */
public record AddedToken(String content, int id, boolean special) {
    /**
     * Validates the fields.
     *
     * @param content the exact token string, not empty
     * @param id its id, not negative
     * @param special whether it is a special (control) token
     * @throws IllegalArgumentException if {@code content} is empty or {@code id} is negative
     */
    public AddedToken {
        Objects.requireNonNull(content, "content");
        if (content.isEmpty()) {
            throw new IllegalArgumentException("added token content must not be empty (id " + id + ")");
        }
        if (id < 0) {
            throw new IllegalArgumentException("added token '" + content + "' has negative id " + id);
        }
    }
}
