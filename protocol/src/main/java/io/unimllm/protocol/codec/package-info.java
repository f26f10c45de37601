/**
 * Grounding dialects: {@link io.unimllm.protocol.codec.GroundingCodec} writes and reads regions as unimllm,
 * Florence-2, PaliGemma, Qwen-VL, Kosmos-2 or Shikra print them, always converting to pixels of the original image
 * (see {@link io.unimllm.geometry}). {@link io.unimllm.protocol.codec.Codecs#byName(String)} picks one from
 * configuration. Grammar, conventions and examples: docs/protocol.md.
 */
package io.unimllm.protocol.codec;
