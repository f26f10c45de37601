/**
 * Evaluation of a shapes-world checkpoint end to end through the runtime ({@link io.unimllm.UnifiedMllm}): task-token
 * accuracy, box IoU, region-head box IoU, mask IoU (with and without the mask-prompt head's point), edit pixel accuracy
 * and plain-answer accuracy, on generated samples or a JSON Lines dataset, reported as a markdown table
 * ({@link io.unimllm.shapes.eval.EvaluationReport}). The {@code eval} command of the examples prints it.
 */
package io.unimllm.shapes.eval;
