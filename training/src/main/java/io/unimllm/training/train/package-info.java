/**
 * The generic trainer on DJL's PyTorch autograd: stage options ({@link io.unimllm.training.train.TrainingOptions},
 * {@link io.unimllm.training.train.Stages}), the {@link io.unimllm.training.train.Trainer} with its losses, AdamW,
 * gradient clipping, fp16 mixed precision and checkpoints, LoRA adapters, and checkpoint tools for training from
 * scratch ({@link io.unimllm.training.train.ModelInitializer}) or with a grown vocabulary
 * ({@link io.unimllm.training.train.VocabularyExtension}).
 */
package io.unimllm.training.train;
