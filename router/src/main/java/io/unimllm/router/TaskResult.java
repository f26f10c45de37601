package io.unimllm.router;

import io.unimllm.protocol.TaskCall;
import io.unimllm.router.spi.ExpertResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one task.
 *
 * @param task the task as the model asked for it
 * @param expert the name of the expert chosen for it; empty when none was
 * @param status how it ended
 * @param result the expert's result when {@code status} is {@link TaskStatus#OK}, else empty
 * @param error what went wrong otherwise: a {@link NoExpertException} for {@link TaskStatus#NO_EXPERT} and
 *     {@link TaskStatus#SKIPPED}, a {@link java.util.concurrent.TimeoutException} for {@link TaskStatus#TIMED_OUT},
 *     and for {@link TaskStatus#FAILED} what the expert threw (or the interruption or cancellation that ended the wait)
 * @param elapsed the expert's own running time; the router's timeout when it timed out, zero when it did not run
 */
public record TaskResult(TaskCall task, Optional<String> expert, TaskStatus status, Optional<ExpertResult> result,
        Optional<Throwable> error, Duration elapsed) {
    /**
     * Checks that the task and status are present.
     *
     * @param task the task
     * @param expert the expert's name, or empty
     * @param status how it ended
     * @param result the expert's result, or empty
     * @param error what went wrong, or empty
     * @param elapsed the expert's running time
     * @throws NullPointerException when {@code task} or {@code status} is null
     */
    public TaskResult {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(status, "status");
    }

    /**
     * Whether the expert returned a result.
     *
     * @return true when {@code status} is {@link TaskStatus#OK}
     */
    public boolean ok() {
        return status == TaskStatus.OK;
    }
}
