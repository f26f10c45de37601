package io.unimllm.tokenizer.protocol;

/** One piece of a parsed answer, in answer order: plain text, a task call, or a grounding outside any task. */
public sealed interface Segment permits TextSpan, TaskCall, FreeGrounding {
}
