package io.unimllm.protocol;

import io.unimllm.geometry.Grounding;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One task the model asked for: which kind of work, its plain-text arguments, the regions it named, the last-layer
 * hidden state at the task token when the generator kept it (for LISA/TPO-style heads), and the task's hidden-state
 * slots (VisionLLM v2's super link, LISA/GLaMM's {@code [SEG]}): the slot tokens its vocabulary declares for the task
 * token, each with its own hidden state (docs/protocol.md, "Hidden-state slots").
 *
 * @param taskType the task type the model's {@link TaskVocabulary} maps the task token to, e.g. {@code "segment"}
 * @param arguments the text between the task token and {@code </task>}, grounding and slot tokens removed,
 *     whitespace runs collapsed to one space, trimmed
 * @param groundings the regions written inside the task or right after its {@code </task>} (only whitespace
 *     between), in order
 * @param hiddenState the task token's hidden state, if kept
 * @param tokenIndex index of the task token in the generated sequence, or -1 when unknown
 * @param slots the slot tokens the model wrote inside the task, in the declared order (empty when the vocabulary
 *     declares none for the task token); fewer than declared when the model left some out (a parse warning says so)
 */
public record TaskCall(String taskType, String arguments, List<Grounding> groundings, Optional<float[]> hiddenState,
        int tokenIndex, List<Slot> slots) implements Segment {

    /**
     * One hidden-state slot of a task: a slot token the model wrote and the last-layer hidden state at it.
     *
     * @param token the slot token, e.g. {@code "<seg_0>"}
     * @param tokenIndex index of the slot token in the generated sequence, or -1 when unknown
     * @param hiddenState the slot token's hidden state, if kept
     */
    public record Slot(String token, int tokenIndex, Optional<float[]> hiddenState) {
        /**
         * Checks the components.
         *
         * @param token the slot token
         * @param tokenIndex index of the slot token, or -1 when unknown
         * @param hiddenState the slot token's hidden state, if kept
         * @throws NullPointerException when {@code token} or {@code hiddenState} is null
         */
        public Slot {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(hiddenState, "hiddenState");
        }

        /**
         * This slot with a hidden state.
         *
         * @param state the hidden state at the slot token
         * @return a copy holding {@code state}
         */
        public Slot withHiddenState(float[] state) {
            return new Slot(token, tokenIndex, Optional.of(state));
        }
    }

    /**
     * Checks the components and copies {@code groundings} and {@code slots}.
     *
     * @param taskType the task type the task token maps to
     * @param arguments the task's plain-text arguments
     * @param groundings the regions of the task
     * @param hiddenState the task token's hidden state, if kept
     * @param tokenIndex index of the task token, or -1 when unknown
     * @param slots the task's hidden-state slots, in order
     * @throws NullPointerException when a component other than {@code tokenIndex} is null
     */
    public TaskCall {
        Objects.requireNonNull(taskType, "taskType");
        Objects.requireNonNull(arguments, "arguments");
        groundings = List.copyOf(groundings);
        Objects.requireNonNull(hiddenState, "hiddenState");
        slots = List.copyOf(slots);
    }

    /**
     * A task call without hidden-state slots (the form before slots existed).
     *
     * @param taskType the task type the task token maps to
     * @param arguments the task's plain-text arguments
     * @param groundings the regions of the task
     * @param hiddenState the task token's hidden state, if kept
     * @param tokenIndex index of the task token, or -1 when unknown
     * @throws NullPointerException when {@code taskType}, {@code arguments}, {@code groundings} or
     *     {@code hiddenState} is null
     */
    public TaskCall(String taskType, String arguments, List<Grounding> groundings, Optional<float[]> hiddenState,
            int tokenIndex) {
        this(taskType, arguments, groundings, hiddenState, tokenIndex, List.of());
    }

    /**
     * The hidden states of the task's slots, for an expert that is prompted with them (VisionLLM v2's super-link
     * queries, LISA's {@code [SEG]} embedding).
     *
     * @return one state per slot the model wrote ({@link #slots()}), in order, when every one has its state; empty
     *     when the task has no slots or any slot's state was not kept (a partial list would shift the states against
     *     the slots they belong to)
     */
    public List<float[]> slotStates() {
        List<float[]> out = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            if (s.hiddenState().isEmpty()) {
                return List.of();
            }
            out.add(s.hiddenState().get());
        }
        return List.copyOf(out);
    }

    /**
     * This task call with other groundings (the runtime adds the task heads' regions this way), everything else kept.
     *
     * @param newGroundings the regions
     * @return a copy with {@code newGroundings}
     */
    public TaskCall withGroundings(List<Grounding> newGroundings) {
        return new TaskCall(taskType, arguments, newGroundings, hiddenState, tokenIndex, slots);
    }
}
