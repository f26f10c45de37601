/**
 * The model runtime's core: reading a Hugging Face LLaVA or Llama checkpoint and running it on DJL. This package holds
 * the errors shared by its subpackages, each a {@link io.unimllm.protocol.UnimllmException}:
 * {@link io.unimllm.core.CheckpointException} for weight files, {@link io.unimllm.core.ImageException} for images and
 * {@link io.unimllm.core.PromptException} for prompts.
 *
 * <p>The parts: {@link io.unimllm.core.safetensors} reads and writes the weight files, {@link io.unimllm.core.config}
 * reads config.json, {@link io.unimllm.core.image} turns images into pixel values, {@link io.unimllm.core.model} holds
 * the model and its task heads, and {@link io.unimllm.core.generate} generates text with it.
 */
package io.unimllm.core;
