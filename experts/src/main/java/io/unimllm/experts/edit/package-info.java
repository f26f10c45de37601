/**
 * Image editing experts: {@link io.unimllm.experts.edit.MaskEditor} recolours or removes the object in each box the
 * model names, as the {@link io.unimllm.experts.edit.EditInstruction} read from the task asks.
 */
package io.unimllm.experts.edit;
