/**
 * Training data plumbing: the JSON Lines dataset format ({@link io.unimllm.training.data.DatasetWriter},
 * {@link io.unimllm.training.data.JsonlDatasetReader}, {@link io.unimllm.training.data.GenerateWorldData}) and padded
 * batches with answer-only labels and task-head targets ({@link io.unimllm.training.data.Batcher}), fed from the
 * generated world or from a dataset.
 */
package io.unimllm.training.data;
