/**
 * Training data plumbing: the JSON Lines dataset format ({@link io.unimllm.training.data.DatasetWriter},
 * {@link io.unimllm.training.data.JsonlDatasetReader}), padded batches with answer-only labels
 * ({@link io.unimllm.training.data.ArrayBatcher}) and the world's word-level Hugging Face tokenizer
 * ({@link io.unimllm.training.data.WorldTokenizerBuilder}).
 */
package io.unimllm.training.data;
