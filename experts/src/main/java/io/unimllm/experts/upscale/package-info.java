/** Super-resolution experts: {@link io.unimllm.experts.upscale.EsrganUpscaler} (x2) and its provider. */
package io.unimllm.experts.upscale;
