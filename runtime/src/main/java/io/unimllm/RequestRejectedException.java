package io.unimllm;

/**
 * A request the runtime did not run: its queue was full, the runtime was closed, or the request waited in the queue
 * longer than allowed. Not an input error: the same request may succeed later.
 */
public final class RequestRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request was rejected. */
    public enum Reason {
        /** The queue of waiting requests was full ({@code UnifiedMllm.Builder.maxQueued}). */
        QUEUE_FULL,
        /** The runtime was closed before the request could run. */
        CLOSED,
        /** The request waited in the queue longer than {@code UnifiedMllm.Builder.maxQueueWait}. */
        QUEUE_TIMEOUT
    }

    private final Reason reason;

    /**
     * A rejection.
     *
     * @param reason why
     * @param message what was rejected and the limit that applied
     */
    public RequestRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /**
     * Why the request was rejected.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
