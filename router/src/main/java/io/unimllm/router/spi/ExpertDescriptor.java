package io.unimllm.router.spi;

import java.util.Objects;
import java.util.Set;

/**
 * What an expert does, as the router reads it to choose an expert for a task. The candidates are the experts whose
 * {@code taskTypes} contain the task's type and whose {@code requiresOneOf} is empty or contains an input the task
 * carries ({@link io.unimllm.router.TaskRouter#inputsOf}). Among them the first one the task type's route names
 * wins; when the route names none of them, the highest {@code priority} wins, then the one that {@code accepts} most
 * of the task's inputs, then the one registered first.
 *
 * @param name the expert's name: unique among the experts of one router (a router with two experts of one name fails
 *     to build) and stable, since routes in {@code unimllm.json} and task results name experts by it; e.g.
 *     {@code "centernet-coco-detector"}
 * @param taskTypes the task types it serves, as the model's task vocabulary names them, e.g. {@code {"detect"}}
 * @param accepts the inputs beside the image it can make use of; between candidates of equal priority, the one
 *     using more of a task's inputs wins
 * @param requiresOneOf the inputs of which a task must carry at least one for this expert to be a candidate; empty
 *     when the image alone suffices
 * @param priority higher wins among candidates when no route decides
 */
public record ExpertDescriptor(String name, Set<String> taskTypes, Set<InputKind> accepts,
        Set<InputKind> requiresOneOf, int priority) {
    /**
     * Checks the name and copies the sets.
     *
     * @param name the expert's name
     * @param taskTypes the task types it serves
     * @param accepts the inputs it can make use of
     * @param requiresOneOf the inputs of which a task must carry one
     * @param priority higher wins among candidates
     * @throws NullPointerException when the name, a set or an element of a set is null
     */
    public ExpertDescriptor {
        Objects.requireNonNull(name, "name");
        taskTypes = Set.copyOf(taskTypes);
        accepts = Set.copyOf(accepts);
        requiresOneOf = Set.copyOf(requiresOneOf);
    }
}
