package io.unimllm.router;

import io.unimllm.router.spi.ExpertResult;
import io.unimllm.tokenizer.protocol.TaskCall;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one task.
 *
 * @param task the task as the model asked for it
 * @param expert the expert that served it (empty when none did)
 * @param status how it ended
 * @param result the expert's result when {@code status} is OK
 * @param error what went wrong otherwise
 * @param elapsed the expert's own time (zero when it did not run)
 */
public record TaskResult(TaskCall task, Optional<String> expert, TaskStatus status, Optional<ExpertResult> result,
        Optional<Throwable> error, Duration elapsed) {
    /** Validates. */
    public TaskResult {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(status, "status");
    }

    /** True when the expert returned a result. */
    public boolean ok() {
        return status == TaskStatus.OK;
    }
}
