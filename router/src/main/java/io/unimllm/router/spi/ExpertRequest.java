package io.unimllm.router.spi;

import io.unimllm.tokenizer.protocol.TaskCall;
import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * One task handed to an expert.
 *
 * @param image the original image (groundings are in its pixel space)
 * @param instruction the user's instruction that led to the task
 * @param task the task the model asked for, with its arguments, groundings and hidden state
 */
public record ExpertRequest(BufferedImage image, String instruction, TaskCall task) {
    public ExpertRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(task, "task");
    }
}
