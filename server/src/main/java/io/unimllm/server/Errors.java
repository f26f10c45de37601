package io.unimllm.server;

import io.unimllm.RequestRejectedException;
import io.unimllm.core.ImageException;
import io.unimllm.core.generate.ContextLengthException;
import io.unimllm.protocol.UnimllmException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps what the runtime throws to the error answers of the API. */
final class Errors {
    /** Error type of an overloaded server (429). */
    static final String RATE_LIMIT = "rate_limit_error";
    /** Error type of a failure on the server's side (5xx). */
    static final String SERVER = "server_error";
    /** Error type of a request past the request timeout (504). */
    static final String TIMEOUT = "timeout_error";

    private Errors() {
    }

    /**
     * The answer to a failed request: 429 for a full queue, 503 for a closed runtime or a request that waited too
     * long in the queue, 400 for an input error ({@link UnimllmException}), 500 for anything else.
     */
    static ApiException of(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof ApiException a) {
            return a;
        }
        if (c instanceof RequestRejectedException r) {
            return switch (r.reason()) {
                case QUEUE_FULL -> new ApiException(429, RATE_LIMIT, null, "queue_full",
                        "the server is busy: " + r.getMessage() + "; retry later");
                case QUEUE_TIMEOUT -> new ApiException(503, SERVER, null, "queue_timeout",
                        "the server is busy: " + r.getMessage() + "; retry later");
                case CLOSED -> new ApiException(503, SERVER, null, "server_closing",
                        "the model is shutting down: " + r.getMessage());
            };
        }
        if (c instanceof ContextLengthException) {
            return ApiException.invalid("messages", "context_length_exceeded", c.getMessage());
        }
        if (c instanceof ImageException) {
            return ApiException.invalid("messages", "invalid_image", c.getMessage());
        }
        if (c instanceof UnimllmException) {
            return ApiException.invalid(null, "invalid_request", c.getMessage());
        }
        if (c instanceof CancellationException) {
            return new ApiException(503, SERVER, null, "request_cancelled",
                    "the request was cancelled on the server (the model is shutting down)");
        }
        return new ApiException(500, SERVER, null, "internal_error", "internal error: " + c);
    }

    static ApiException timeout(Duration limit) {
        return new ApiException(504, TIMEOUT, null, "request_timeout",
                "the request did not finish within this server's request timeout of " + limit.toMillis() + " ms");
    }

    static Counters.Outcome outcome(ApiException e) {
        if (e.status() == 429 || e.status() == 503) {
            return Counters.Outcome.REJECTED;
        }
        if (e.status() == 504) {
            return Counters.Outcome.TIMED_OUT;
        }
        return e.status() < 500 ? Counters.Outcome.INVALID : Counters.Outcome.FAILED;
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
