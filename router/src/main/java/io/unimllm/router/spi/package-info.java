/**
 * The expert SPI, all an expert depends on: implement {@link io.unimllm.router.spi.ExpertModel}, and register it
 * with {@link io.unimllm.router.TaskRouter.Builder#expert} or have an {@link io.unimllm.router.spi.ExpertProvider},
 * listed in {@code META-INF/services/io.unimllm.router.spi.ExpertProvider}, create it for
 * {@link io.unimllm.router.TaskRouter.Builder#discover}.
 *
 * <p>An expert describes itself with an {@link io.unimllm.router.spi.ExpertDescriptor} (its name, the task types it
 * serves, the {@link io.unimllm.router.spi.InputKind}s it uses or requires, its priority), receives each task as an
 * {@link io.unimllm.router.spi.ExpertRequest} and answers with an {@link io.unimllm.router.spi.ExpertResult} of
 * {@link io.unimllm.router.spi.ScoredMask}s, {@link io.unimllm.router.spi.Detection}s, an image or text, or throws an
 * {@link io.unimllm.router.spi.ExpertException}. What an implementation must guarantee (thread safety, what the
 * router does with exceptions and timeouts, who closes an expert) is in the comment of
 * {@link io.unimllm.router.spi.ExpertModel}; in short: {@code run} is called concurrently, any exception fails only
 * its own task, and the router closes only the experts it discovered, never those the caller registered.
 */
package io.unimllm.router.spi;
