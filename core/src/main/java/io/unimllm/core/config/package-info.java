/**
 * A checkpoint's config.json as validated records: {@link io.unimllm.core.config.LlavaConfig} with its
 * {@link io.unimllm.core.config.TextConfig} and {@link io.unimllm.core.config.VisionConfig}, Hugging Face's defaults
 * for absent fields, and {@link io.unimllm.core.config.ConfigWriter} to write one back. A field that is invalid,
 * unsupported or inconsistent is a {@link io.unimllm.protocol.ConfigException} naming the field and the file.
 */
package io.unimllm.core.config;
