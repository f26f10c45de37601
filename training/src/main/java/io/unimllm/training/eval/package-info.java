/**
 * Evaluation on the synthetic world: task-token accuracy, box IoU, mask IoU, edit pixel accuracy and exact-answer
 * accuracy, reported as a markdown table. The system under test plugs in as a
 * {@link io.unimllm.training.eval.WorldPredictor}.
 */
package io.unimllm.training.eval;
