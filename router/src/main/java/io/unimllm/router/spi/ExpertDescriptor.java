package io.unimllm.router.spi;

import java.util.Objects;
import java.util.Set;

/**
 * What an expert does.
 *
 * @param name unique, stable name, e.g. {@code "centernet-coco-detector"}
 * @param taskTypes task types it serves, e.g. {@code {"det"}}
 * @param accepts inputs it can use beside the image; a request carrying none of them may still be served when
 *     {@code requiresOneOf} is empty
 * @param requiresOneOf inputs of which at least one must be present for it to work; empty when the image alone
 *     suffices
 * @param priority higher wins when several experts serve the same task type and accept the request
 */
public record ExpertDescriptor(String name, Set<String> taskTypes, Set<InputKind> accepts,
        Set<InputKind> requiresOneOf, int priority) {
    public ExpertDescriptor {
        Objects.requireNonNull(name, "name");
        taskTypes = Set.copyOf(taskTypes);
        accepts = Set.copyOf(accepts);
        requiresOneOf = Set.copyOf(requiresOneOf);
    }
}
