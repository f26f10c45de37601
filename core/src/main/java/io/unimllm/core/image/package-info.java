/**
 * Image preprocessing for a CLIP-style vision tower, as Hugging Face's CLIPImageProcessor and LLaVA's pad-to-square
 * do it: decoding, fitting to a square ({@link io.unimllm.core.image.ResizeMode}), bicubic resizing and per-channel
 * normalisation, with the settings of a checkpoint's preprocessor_config.json
 * ({@link io.unimllm.core.image.ImageProcessorConfig}).
 */
package io.unimllm.core.image;
