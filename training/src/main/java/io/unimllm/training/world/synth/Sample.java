package io.unimllm.training.world.synth;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * One instruction-following example of the synthetic world.
 *
 * @param id stable identifier, e.g. {@code "train-000042"}
 * @param scene the scene the image was rendered from
 * @param image the rendered scene (do not mutate; shared with nobody else)
 * @param task what kind of instruction this is
 * @param template the phrasing template the instruction was filled from
 * @param instruction the user's instruction, without the image placeholder
 * @param answer the target answer in unimllm's protocol, e.g. {@code <task_seg>red circle</task><box>0,0,10,10</box>}
 * @param truth boxes, masks and edited image for evaluation
 */
public record Sample(String id, Scene scene, BufferedImage image, TaskKind task, String template, String instruction,
        String answer, GroundTruth truth) {
    public Sample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scene, "scene");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(truth, "truth");
    }
}
