/**
 * Generation: prefill and decode with a pre-allocated KV cache, greedy and sampled decoding, stop conditions,
 * per-token streaming, batches of prompts of different lengths, and the hidden states of chosen special tokens.
 */
package io.unimllm.core.generate;
