package io.unimllm.tokenizer;

/** Thrown by {@link UnimllmTokenizer#tokenId(String)} when a token string is not in the vocabulary. */
public final class UnknownTokenException extends TokenizerException {
    private static final long serialVersionUID = 1L;

    private final String token;

    /**
     * An error naming the missing token and the tokenizer.
     *
     * @param token the token string that was looked up
     * @param where a description of the tokenizer (usually its directory)
     */
    public UnknownTokenException(String token, String where) {
        super("token '" + token + "' is not in the vocabulary of the tokenizer at " + where);
        this.token = token;
    }

    /**
     * The token that was looked up.
     *
     * @return the token string that was not found
     */
    public String token() {
        return token;
    }
}
