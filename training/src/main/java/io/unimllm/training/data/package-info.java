/**
 * Training data plumbing: reading and validating the JSON Lines dataset format
 * ({@link io.unimllm.training.data.JsonlDatasetReader}, {@link io.unimllm.training.data.DatasetRecord}; the shapes
 * module writes such datasets) and padded batches with answer-only labels and task-head targets
 * ({@link io.unimllm.training.data.Batcher}), fed from a dataset or from any generator of examples.
 */
package io.unimllm.training.data;
