/**
 * Text side of unimllm: {@link io.unimllm.tokenizer.UnimllmTokenizer} (Hugging Face {@code tokenizer.json}
 * through DJL, with added special tokens such as {@code <image>} and {@code <task_seg>} at stable ids),
 * {@link io.unimllm.tokenizer.StreamingDetokenizer} (token ids to text deltas without broken characters)
 * and {@link io.unimllm.tokenizer.ChatTemplate} (LLaVA v1, LLaVA plain, Llama-2, ChatML and plain prompt formats),
 * which renders a conversation into a {@link io.unimllm.tokenizer.PromptText}: the template's markup places the
 * special tokens, and what a user typed is literal text that never becomes a control token.
 * The task/grounding token protocol and its dialect codecs live in the protocol module
 * ({@code io.unimllm.protocol}).
 */
package io.unimllm.tokenizer;
