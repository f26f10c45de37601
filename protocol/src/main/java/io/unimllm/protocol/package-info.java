/**
 * unimllm's task protocol as values, and the root of its typed errors. A model answers in text that may contain
 * task tokens from its {@link io.unimllm.protocol.TaskVocabulary}; parsed, the answer is a list of
 * {@link io.unimllm.protocol.Segment}s: {@link io.unimllm.protocol.TextSpan}s, {@link io.unimllm.protocol.TaskCall}s
 * for the router and {@link io.unimllm.protocol.FreeGrounding}s. What the parser repaired or dropped is a
 * {@link io.unimllm.protocol.ParseWarning}, or, in strict mode, a {@link io.unimllm.protocol.ProtocolException}.
 *
 * <p>{@link io.unimllm.protocol.UnimllmException} is the supertype of every error unimllm reports about its inputs,
 * in every module; {@link io.unimllm.protocol.ConfigException} covers configuration files. The parser lives in
 * {@link io.unimllm.protocol.parse}, the grounding dialects in {@link io.unimllm.protocol.codec}, the model families'
 * profiles (dialect, coordinate frame, special tokens, template) in {@link io.unimllm.protocol.profile}, the geometry
 * they decode to in {@link io.unimllm.geometry}. Grammar and examples: docs/protocol.md.
 */
package io.unimllm.protocol;
