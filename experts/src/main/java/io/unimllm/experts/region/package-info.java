/**
 * Experts that need no model weights and work from the regions the model wrote:
 * {@link io.unimllm.experts.region.ColourRegionSegmenter} segments by colour clustering inside a box or around a
 * point, and {@link io.unimllm.experts.region.GroundingDetections} turns the model's own boxes into detections.
 */
package io.unimllm.experts.region;
