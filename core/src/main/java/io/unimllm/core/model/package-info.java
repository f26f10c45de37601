/**
 * The LLaVA-family model in DJL NDArray ops: a CLIP-style vision tower, the two-layer MLP projector and a
 * Llama-style decoder, with Hugging Face weight names. One class per part, in the spirit of transformers'
 * one-file-per-architecture modelling code.
 *
 * <p>{@link io.unimllm.core.model.LlavaModel} loads a checkpoint as {@link io.unimllm.core.model.LoadOptions} say
 * (device, compute dtype, and the {@link io.unimllm.core.model.DecoderPlan} by which the decoder lays out its work),
 * together with the optional TPO task heads of {@code heads.safetensors} ({@link io.unimllm.core.model.TaskHeads}).
 */
package io.unimllm.core.model;
