package io.unimllm.training.train;

import java.util.List;

/**
 * The three-stage recipe of UnifiedMLLM / LLaVA as {@link TrainingOptions}, for a checkpoint in Hugging Face's
 * LLaVA-1.5 layout ({@code vision_tower.*}, {@code multi_modal_projector.*}, {@code language_model.*}).
 */
public final class Stages {
    private Stages() {
    }

    /**
     * Stage 1, modality alignment: only the projector trains; vision tower and language model are frozen.
     *
     * @return a builder of the stage's options, to adjust schedule and the rest
     */
    public static TrainingOptions.Builder alignment() {
        return TrainingOptions.builder("alignment").train("multi_modal_projector\\..*");
    }

    /**
     * Stage 2, task adaptation: projector, token embeddings and lm_head (which hold the new task and grounding
     * tokens, see {@link VocabularyExtension}), plus the decoder, with the region and mask-prompt heads.
     *
     * @return a builder of the stage's options
     */
    public static TrainingOptions.Builder taskAdaptation() {
        return TrainingOptions.builder("task-adaptation")
                .train("multi_modal_projector\\..*", "language_model\\..*")
                .regionHead(1.0)
                .maskPromptHead(1.0);
    }

    /**
     * Stage 3, multi-task tuning: LoRA adapters on the decoder's projections and the projector; task data mixed with
     * plain instruction data by the data source so general answers are kept.
     *
     * @param rank the adapters' rank (alpha is twice the rank)
     * @return a builder of the stage's options
     */
    public static TrainingOptions.Builder multiTask(int rank) {
        return TrainingOptions.builder("multi-task")
                .train("multi_modal_projector\\..*")
                .lora(new LoraConfig(rank, 2.0 * rank, List.of("self_attn.q_proj", "self_attn.v_proj",
                        "mlp.down_proj")))
                .regionHead(1.0)
                .maskPromptHead(1.0);
    }

    /**
     * Training from scratch (every tensor, both task heads), for the small models the project trains itself.
     *
     * @return a builder of the stage's options
     */
    public static TrainingOptions.Builder fromScratch() {
        return TrainingOptions.builder("from-scratch").train(".*").regionHead(1.0)
                .maskPromptHead(1.0);
    }
}
