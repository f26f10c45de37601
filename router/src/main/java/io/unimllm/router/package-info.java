/**
 * The task router: {@link io.unimllm.router.TaskRouter} hands each task call of a model's answer to the expert that
 * serves it, as {@link io.unimllm.router.RoutingConfig} and the experts' descriptors decide, runs the tasks
 * concurrently under a timeout, and reports each one's outcome as a {@link io.unimllm.router.TaskResult} with a
 * {@link io.unimllm.router.TaskStatus}. Experts implement the SPI in {@link io.unimllm.router.spi}.
 */
package io.unimllm.router;
