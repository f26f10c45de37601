/**
 * Export of the shapes world as a dataset in the JSON Lines format the training module reads
 * ({@link io.unimllm.training.data.JsonlDatasetReader}): {@link io.unimllm.shapes.data.DatasetWriter} and the
 * {@link io.unimllm.shapes.data.GenerateWorldData} command line, which also writes the world's tokenizer.
 */
package io.unimllm.shapes.data;
