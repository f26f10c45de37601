package io.unimllm;

import io.unimllm.core.generate.FinishReason;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.TaskResult;

/**
 * What a {@link ResponseListener} hears about a request, in this order: {@link TextDelta}s as tokens are decoded
 * (special tokens included), a {@link TaskParsed} and its {@link GroundingDecoded}s as each task call of the answer
 * is complete, {@link FreeGroundingDecoded} for regions outside tasks, then after generation {@link TaskFinished}
 * once per task with the expert's result, and finally {@link Done}.
 */
public sealed interface ResponseEvent {

    /**
     * Newly decoded text.
     *
     * @param text the characters added to the answer (may hold special tokens such as task tokens)
     */
    record TextDelta(String text) implements ResponseEvent {
    }

    /**
     * A task call of the answer is complete: its type, arguments and groundings are known.
     *
     * @param index the task's index among the answer's tasks (0-based)
     * @param task the task call, groundings in pixels of the original image
     */
    record TaskParsed(int index, TaskCall task) implements ResponseEvent {
    }

    /**
     * A grounding of a task, in pixels of the original image.
     *
     * @param taskIndex the task's index among the answer's tasks
     * @param grounding the decoded region
     */
    record GroundingDecoded(int taskIndex, Grounding grounding) implements ResponseEvent {
    }

    /**
     * A grounding outside any task, in pixels of the original image.
     *
     * @param grounding the decoded region
     */
    record FreeGroundingDecoded(Grounding grounding) implements ResponseEvent {
    }

    /**
     * A task's expert finished (or the task failed, timed out or found no expert).
     *
     * @param index the task's index among the answer's tasks
     * @param result the task's result
     */
    record TaskFinished(int index, TaskResult result) implements ResponseEvent {
    }

    /**
     * The request is complete.
     *
     * @param finishReason why generation stopped
     * @param response the whole response, as {@code submit}'s future completes with it
     */
    record Done(FinishReason finishReason, Response response) implements ResponseEvent {
    }
}
