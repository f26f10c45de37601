package io.unimllm.router;

/** How a task ended. */
public enum TaskStatus {
    /** The expert returned a result. */
    OK,
    /** The expert threw; see the error. */
    FAILED,
    /** The expert did not finish within the router's timeout and was cancelled. */
    TIMED_OUT,
    /** No registered expert serves the task (with fallback "error"). */
    NO_EXPERT,
    /** No expert serves the task and the routing config says to skip such tasks. */
    SKIPPED
}
