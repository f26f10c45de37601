package io.unimllm.core.model;

import io.unimllm.core.CheckpointException;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import java.nio.file.Path;

/**
 * Where the parts' weights live in a checkpoint. Hugging Face has written LLaVA under several layouts over time;
 * this finds the one a checkpoint uses by probing for its embedding tensor.
 *
 * @param decoderPrefix prefix of {@code embed_tokens}, {@code layers.N} and {@code norm}
 * @param lmHead full name of the lm_head weight, or {@code null} when tied to the embeddings
 * @param visionPrefix prefix of the CLIP vision model ({@code ...vision_model.})
 * @param projectorPrefix prefix of {@code linear_1}/{@code linear_2}
 */
record WeightNames(String decoderPrefix, String lmHead, String visionPrefix, String projectorPrefix) {

    private static final String[][] LAYOUTS = {
        // decoder prefix, lm_head, vision prefix, projector prefix
        {"language_model.model.", "language_model.lm_head.weight", "vision_tower.vision_model.", "multi_modal_projector."},
        {"model.language_model.", "lm_head.weight", "model.vision_tower.vision_model.", "model.multi_modal_projector."},
        {"model.", "lm_head.weight", "vision_tower.vision_model.", "multi_modal_projector."},
    };

    static WeightNames detect(SafetensorsCheckpoint ckpt, Path dir) {
        for (String[] layout : LAYOUTS) {
            if (ckpt.contains(layout[0] + "embed_tokens.weight")) {
                String head = ckpt.contains(layout[1]) ? layout[1] : null;
                return new WeightNames(layout[0], head, layout[2], layout[3]);
            }
        }
        throw new CheckpointException("no decoder embedding found: expected one of "
                + "language_model.model.embed_tokens.weight, model.language_model.embed_tokens.weight or "
                + "model.embed_tokens.weight", dir, null);
    }
}
