/**
 * unimllm's own experts, found by the router through {@link java.util.ServiceLoader}. This package holds
 * {@link io.unimllm.experts.BuiltinExpertsProvider}, which offers the experts that need no model files; the
 * sub-packages hold the experts by kind of work ({@link io.unimllm.experts.region}, {@link io.unimllm.experts.edit},
 * {@link io.unimllm.experts.detect}, {@link io.unimllm.experts.segment}, {@link io.unimllm.experts.upscale}), each
 * with the provider of its pretrained experts, and {@link io.unimllm.experts.convert} locates and makes the converted
 * model files those load.
 */
package io.unimllm.experts;
