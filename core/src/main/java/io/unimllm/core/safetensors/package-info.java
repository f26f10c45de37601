/**
 * The safetensors weight format: validated, memory-mapped reading of single-file and sharded checkpoints
 * ({@link io.unimllm.core.safetensors.SafetensorsCheckpoint}) and writing
 * ({@link io.unimllm.core.safetensors.SafetensorsWriter}). Problems with a file are reported as
 * {@link io.unimllm.core.CheckpointException}s naming the file and, where there is one, the tensor.
 */
package io.unimllm.core.safetensors;
