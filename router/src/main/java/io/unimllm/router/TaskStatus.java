package io.unimllm.router;

/** How a task ended. */
public enum TaskStatus {
    /** The expert returned a result. */
    OK,
    /** The expert threw (the error is what it threw), or the wait for it was interrupted or cancelled. */
    FAILED,
    /** The expert did not finish within the router's timeout; its thread was interrupted and its result discarded. */
    TIMED_OUT,
    /** No registered expert serves the task with its inputs (with fallback {@code "error"}, the default). */
    NO_EXPERT,
    /** No expert serves the task and the routing configuration says to skip such tasks (fallback {@code "skip"}). */
    SKIPPED
}
