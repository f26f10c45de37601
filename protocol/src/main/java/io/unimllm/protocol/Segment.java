package io.unimllm.protocol;


/** One piece of a parsed model answer, in output order: plain text, a task call, or a grounding outside tasks. */
public sealed interface Segment permits TextSpan, TaskCall, FreeGrounding {}
