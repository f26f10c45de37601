package io.unimllm;

import io.unimllm.core.generate.FinishReason;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.protocol.parse.ParsedOutput;
import io.unimllm.router.TaskResult;
import java.util.List;

/**
 * The answer to one request.
 *
 * @param text the answer's plain text (task and grounding tokens removed)
 * @param tasks one result per task the model asked for, in answer order
 * @param parsed the full parse: text spans, task calls and free groundings in order
 * @param rawAnswer the decoded answer with special tokens, as the model wrote it
 * @param tokens the generated token ids
 * @param finishReason why generation stopped
 * @param warnings what the parser repaired or dropped in the model's output
 * @param timings wall time per stage
 */
public record Response(String text, List<TaskResult> tasks, ParsedOutput parsed, String rawAnswer, int[] tokens,
        FinishReason finishReason, List<ParseWarning> warnings, StageTimings timings) {
    /**
     * Copies the lists and the token ids.
     *
     * @param text the answer's plain text (task and grounding tokens removed)
     * @param tasks one result per task the model asked for, in answer order
     * @param parsed the full parse: text spans, task calls and free groundings in order
     * @param rawAnswer the decoded answer with special tokens, as the model wrote it
     * @param tokens the generated token ids
     * @param finishReason why generation stopped
     * @param warnings what the parser repaired or dropped in the model's output
     * @param timings wall time per stage
     */
    public Response {
        tasks = List.copyOf(tasks);
        warnings = List.copyOf(warnings);
        tokens = tokens.clone();
    }

    /**
     * The generated token ids.
     *
     * @return a copy of the ids
     */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }
}
