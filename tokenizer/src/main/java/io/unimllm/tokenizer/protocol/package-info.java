/**
 * unimllm's task protocol: the {@link io.unimllm.tokenizer.protocol.TaskVocabulary} of task tokens, and the
 * {@link io.unimllm.tokenizer.protocol.OutputParser} that turns generated text into
 * {@link io.unimllm.tokenizer.protocol.TextSpan}s, {@link io.unimllm.tokenizer.protocol.TaskCall}s and
 * {@link io.unimllm.tokenizer.protocol.FreeGrounding}s, repairing or rejecting bad output. Grammar and examples:
 * docs/protocol.md.
 */
package io.unimllm.tokenizer.protocol;
