/**
 * Grounding dialects: {@link io.unimllm.protocol.codec.GroundingCodec} writes and reads regions as unimllm,
 * Florence-2, PaliGemma, Qwen-VL, Kosmos-2, Shikra, Qwen2-VL, Qwen2.5-VL, Qwen3-VL, InternVL, MiniCPM-V, Molmo,
 * CogVLM, GLM-4.xV, MiniGPT-v2, Ferret, DeepSeek-VL2 and Gemini print them, always converting to pixels of the
 * original image (see {@link io.unimllm.geometry}). {@link io.unimllm.protocol.codec.Codecs#byName(String)} picks one
 * from configuration. The coordinate frame a dialect's numbers are in is a
 * {@link io.unimllm.protocol.codec.CoordinateFrame}, and the image size it refers to a
 * {@link io.unimllm.protocol.codec.ResizeRule} (Qwen2.5-VL counts pixels of its own resized input). Grammar,
 * conventions, sources and examples: docs/protocol.md.
 */
package io.unimllm.protocol.codec;
