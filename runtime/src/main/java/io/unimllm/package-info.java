/**
 * The runtime an application uses: {@link io.unimllm.UnifiedMllm} loads a checkpoint with its tokenizer, task heads
 * and router and answers {@code ask(image, instruction)} with a {@link io.unimllm.Response} (text, typed task results,
 * parse warnings, per-stage timings). This is the only place where the modules meet: the model (core), the tokenizer,
 * the protocol's parser and the router with its experts.
 */
package io.unimllm;
