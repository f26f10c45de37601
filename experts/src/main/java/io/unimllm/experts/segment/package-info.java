/** Segmentation experts: box-prompted person segmentation ({@link io.unimllm.experts.segment.SelfieSegmenter}). */
package io.unimllm.experts.segment;
