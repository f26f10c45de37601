package io.unimllm.remote;

import java.util.OptionalInt;

/**
 * The remote model could not answer: the endpoint cannot be reached, did not answer in time, answered with an HTTP
 * error, or answered in a shape that is not an OpenAI chat completion. Not an input error (the same request may
 * succeed later, or against a working endpoint), so not a {@link io.unimllm.protocol.UnimllmException}. The message
 * names the endpoint, what happened and after how many attempts.
 */
public final class RemoteModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /**
         * No connection could be made or it broke before an answer came (refused, unknown host, connect timeout,
         * reset): retried.
         */
        CONNECTION_FAILED,
        /** Connected, but no answer came within the timeout: not retried (the endpoint is busy with it). */
        TIMEOUT,
        /** An HTTP status other than 2xx ({@link #status()}): retried for 5xx and 429, not for other 4xx. */
        HTTP_STATUS,
        /**
         * A 2xx answer that is not a chat completion with text: not JSON, no {@code choices}, no
         * {@code message.content} (a tool call or a refusal instead): not retried.
         */
        BAD_RESPONSE
    }

    private final Kind kind;
    private final String endpoint;
    private final int status;
    private final int attempts;

    /**
     * An error.
     *
     * @param kind what went wrong
     * @param endpoint the URL that was called
     * @param status the HTTP status, or -1 when there was none
     * @param attempts how many requests were made (1 plus the retries)
     * @param message what happened, without the endpoint and attempts (they are added)
     * @param cause the underlying error, or null
     */
    public RemoteModelException(Kind kind, String endpoint, int status, int attempts, String message,
            Throwable cause) {
        super(message + " (" + endpoint + ", " + attempts + (attempts == 1 ? " attempt)" : " attempts)"), cause);
        this.kind = kind;
        this.endpoint = endpoint;
        this.status = status;
        this.attempts = attempts;
    }

    /**
     * What went wrong.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The URL that was called.
     *
     * @return the chat completions URL
     */
    public String endpoint() {
        return endpoint;
    }

    /**
     * The HTTP status of the last answer.
     *
     * @return the status, empty when no answer came (connection failure, timeout)
     */
    public OptionalInt status() {
        return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /**
     * How many requests were made.
     *
     * @return 1 plus the retries
     */
    public int attempts() {
        return attempts;
    }
}
