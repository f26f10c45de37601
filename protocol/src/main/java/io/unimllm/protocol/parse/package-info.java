/**
 * The output parser: {@link io.unimllm.protocol.parse.OutputParser} turns a model's generated text, whole or token by
 * token, into a {@link io.unimllm.protocol.parse.ParsedOutput} of {@link io.unimllm.protocol.TextSpan}s,
 * {@link io.unimllm.protocol.TaskCall}s and {@link io.unimllm.protocol.FreeGrounding}s, using the model's
 * {@link io.unimllm.protocol.TaskVocabulary} and grounding codec; {@link io.unimllm.protocol.parse.ParserOptions}
 * choose whether bad output is repaired or dropped with a warning, or rejected. Grammar and examples:
 * docs/protocol.md.
 */
package io.unimllm.protocol.parse;
