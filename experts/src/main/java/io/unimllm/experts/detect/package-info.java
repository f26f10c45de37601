/**
 * Object detection experts: {@link io.unimllm.experts.detect.CenterNetDetector} (COCO, 80 classes) with its decoder,
 * {@link io.unimllm.experts.detect.Nms} and the ServiceLoader {@link io.unimllm.experts.detect.DetectExpertsProvider}.
 */
package io.unimllm.experts.detect;
