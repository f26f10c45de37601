/**
 * An OpenAI-compatible HTTP server over {@link io.unimllm.UnifiedMllm}: {@code POST /v1/chat/completions} (plain and
 * streamed as server-sent events), {@code GET /v1/models} and {@code GET /health}, with the grounded results of an
 * answer (tasks, boxes, masks as COCO RLE, edited images) in the {@code unimllm} extension field of the message.
 * Start one with {@link io.unimllm.server.UnimllmServer#start}; docs/server.md describes the API and its limits.
 */
package io.unimllm.server;
