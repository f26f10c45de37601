package io.unimllm.protocol;

import io.unimllm.geometry.Grounding;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One task the model asked for: which kind of work, its plain-text arguments, the regions it named, and the
 * last-layer hidden state at the task token when the generator kept it (for LISA/TPO-style heads).
 *
 * @param taskType the task type the model's {@link TaskVocabulary} maps the task token to, e.g. {@code "segment"}
 * @param arguments the text between the task token and {@code </task>}, grounding tokens removed, whitespace runs
 *     collapsed to one space, trimmed
 * @param groundings the regions written inside the task or right after its {@code </task>} (only whitespace
 *     between), in order
 * @param hiddenState the task token's hidden state, if kept
 * @param tokenIndex index of the task token in the generated sequence, or -1 when unknown
 */
public record TaskCall(String taskType, String arguments, List<Grounding> groundings, Optional<float[]> hiddenState,
        int tokenIndex) implements Segment {
    /**
     * Checks the components and copies {@code groundings}.
     *
     * @param taskType the task type the task token maps to
     * @param arguments the task's plain-text arguments
     * @param groundings the regions of the task
     * @param hiddenState the task token's hidden state, if kept
     * @param tokenIndex index of the task token, or -1 when unknown
     * @throws NullPointerException when {@code taskType}, {@code arguments}, {@code groundings} or
     *     {@code hiddenState} is null
     */
    public TaskCall {
        Objects.requireNonNull(taskType, "taskType");
        Objects.requireNonNull(arguments, "arguments");
        groundings = List.copyOf(groundings);
        Objects.requireNonNull(hiddenState, "hiddenState");
    }
}
