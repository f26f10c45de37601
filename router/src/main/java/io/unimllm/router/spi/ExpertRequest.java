package io.unimllm.router.spi;

import io.unimllm.protocol.TaskCall;
import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * One task handed to an expert.
 *
 * @param image the original image, in whose pixels the task's groundings are; the same instance goes to every task of
 *     the answer, running concurrently, so experts must not modify it
 * @param instruction the user's instruction that led to the task
 * @param task the task the model asked for, with its arguments, groundings and hidden state
 */
public record ExpertRequest(BufferedImage image, String instruction, TaskCall task) {
    /**
     * Checks that every component is present.
     *
     * @param image the original image
     * @param instruction the user's instruction
     * @param task the task
     * @throws NullPointerException when a component is null
     */
    public ExpertRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(task, "task");
    }
}
