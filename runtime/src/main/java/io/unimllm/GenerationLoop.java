package io.unimllm;

import ai.djl.pytorch.jni.JniUtils;
import io.unimllm.core.generate.ContinuousBatcher;
import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.core.generate.GenerationResult;
import io.unimllm.core.generate.Generator;
import io.unimllm.core.generate.Prompt;
import io.unimllm.core.generate.TokenListener;
import io.unimllm.core.model.LlavaModel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's one generation thread: every use of the model runs on it (prefill, decode steps, task heads), so that
 * libtorch sees one thread with gradients off and OpenMP's worker threads are not shared between competing callers.
 * Requests wait in a bounded FIFO queue, are admitted into the {@link ContinuousBatcher} while it has room, and leave
 * it when they finish; a cancelled request stops at the next step.
 *
 * <p>{@link #close()} stops admission, fails the queued requests with {@link RequestRejectedException.Reason#CLOSED},
 * cancels the running ones at the next step (their futures fail with the same reason), and returns once the thread has
 * stopped touching the model, so that the caller may then free it.
 */
final class GenerationLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationLoop.class);

    private final LlavaModel model;
    private final int maxQueued;
    private final Duration maxQueueWait;
    private final ContinuousBatcher batcher;
    private final Object monitor = new Object();
    private final Deque<Pending> queue = new ArrayDeque<>();
    private final Deque<FutureTask<?>> work = new ArrayDeque<>();
    private final List<Pending> running = new ArrayList<>();
    private final Thread thread;
    private boolean closing;

    /** A request waiting for or in generation. */
    private static final class Pending {
        final Prompt prompt;
        final GenerationConfig cfg;
        final TokenListener listener;
        final CompletableFuture<GenerationResult> future = new CompletableFuture<>();
        final long enqueued = System.nanoTime();
        ContinuousBatcher.Row row;
        /** What the caller's listener threw: the row was cancelled and the request fails with it. */
        RuntimeException listenerFailure;

        Pending(Prompt prompt, GenerationConfig cfg, TokenListener listener) {
            this.prompt = prompt;
            this.cfg = cfg;
            // a listener that throws stops its own row, never the batch
            this.listener = (row, token) -> {
                try {
                    return listener.onToken(row, token);
                } catch (RuntimeException e) {
                    LOG.warn("a token listener failed; its request is stopped: {}", e.toString());
                    listenerFailure = e;
                    return false;
                }
            };
        }

        void complete(GenerationResult result) {
            if (listenerFailure != null) {
                future.completeExceptionally(listenerFailure);
            } else {
                future.complete(result);
            }
        }
    }

    GenerationLoop(LlavaModel model, int maxBatch, int maxQueued, Duration maxQueueWait) {
        this.model = model;
        this.maxQueued = maxQueued;
        this.maxQueueWait = maxQueueWait;
        this.batcher = new ContinuousBatcher(model, maxBatch);
        this.thread = new Thread(this::run, "unimllm-generation");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a prompt; the future completes with its result on the generation thread. Cancelling the future stops the
     * row at the next step.
     *
     * @throws RequestRejectedException when the queue is full or the loop is closed
     */
    CompletableFuture<GenerationResult> submit(Prompt prompt, GenerationConfig cfg, TokenListener listener) {
        Pending p = new Pending(prompt, cfg, listener);
        synchronized (monitor) {
            if (closing) {
                throw new RequestRejectedException(RequestRejectedException.Reason.CLOSED, "the runtime is closed");
            }
            if (queue.size() >= maxQueued) {
                throw new RequestRejectedException(RequestRejectedException.Reason.QUEUE_FULL, "the queue holds "
                        + queue.size() + " waiting requests, its limit (maxQueued " + maxQueued + ")");
            }
            queue.addLast(p);
            monitor.notifyAll();
        }
        p.future.whenComplete((r, e) -> {
            if (p.future.isCancelled()) {
                ContinuousBatcher.Row row = p.row;
                if (row != null) {
                    row.cancel();
                }
            }
        });
        return p.future;
    }

    /**
     * Runs model work (a task head, say) on the generation thread between steps and waits for it.
     *
     * @throws RequestRejectedException when the loop is closed
     */
    <T> T call(Callable<T> task) {
        if (Thread.currentThread() == thread) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }
        FutureTask<T> f = new FutureTask<>(task);
        synchronized (monitor) {
            if (closing) {
                throw new RequestRejectedException(RequestRejectedException.Reason.CLOSED, "the runtime is closed");
            }
            work.addLast(f);
            monitor.notifyAll();
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new CompletionException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(e.getCause());
        }
    }

    private void run() {
        // a new thread starts with gradients on: the scripted decode step and inference need them off
        JniUtils.setGradMode(false);
        try {
            while (true) {
                List<FutureTask<?>> tasks = new ArrayList<>();
                List<Pending> admit = new ArrayList<>();
                boolean stop;
                synchronized (monitor) {
                    while (!closing && queue.isEmpty() && work.isEmpty() && running.isEmpty()) {
                        monitor.wait();
                    }
                    tasks.addAll(work);
                    work.clear();
                    stop = closing;
                    if (!stop) {
                        int room = batcher.room();
                        while (room-- > 0 && !queue.isEmpty()) {
                            admit.add(queue.pollFirst());
                        }
                    }
                }
                tasks.forEach(FutureTask::run);
                if (stop) {
                    shutDown();
                    return;
                }
                for (Pending p : admit) {
                    admit(p);
                }
                if (!running.isEmpty()) {
                    batcher.step();
                    completeFinished();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutDown();
        } catch (RuntimeException | Error e) {
            LOG.error("the generation loop failed; failing every request", e);
            failAll(e);
            throw e;
        }
    }

    private void admit(Pending p) {
        if (p.future.isDone()) {
            return; // cancelled while queued
        }
        if (maxQueueWait != null && System.nanoTime() - p.enqueued > maxQueueWait.toNanos()) {
            p.future.completeExceptionally(new RequestRejectedException(RequestRejectedException.Reason.QUEUE_TIMEOUT,
                    "the request waited longer than maxQueueWait " + maxQueueWait + " in the queue"));
            return;
        }
        try {
            if (!p.cfg.useCache()) {
                // recomputing the whole sequence every step cannot share a batch: run it alone
                p.complete(new Generator(model).generate(p.prompt, p.cfg, p.listener));
                return;
            }
            if (!batcher.hasRoom()) {
                synchronized (monitor) {
                    queue.addFirst(p);
                }
                return;
            }
            p.row = batcher.admit(p.prompt, p.cfg, p.listener);
            if (p.future.isCancelled()) {
                p.row.cancel();
            }
            if (p.row.done()) {
                p.complete(p.row.result());
            } else {
                running.add(p);
            }
        } catch (RuntimeException e) {
            // a bad prompt fails its own request only
            p.future.completeExceptionally(e);
        }
    }

    private void completeFinished() {
        for (int i = running.size() - 1; i >= 0; i--) {
            Pending p = running.get(i);
            if (p.row.done()) {
                running.remove(i);
                p.complete(p.row.result());
            }
        }
    }

    /** Fails the queued requests, cancels the running ones and frees the batch (on the generation thread). */
    private void shutDown() {
        List<Pending> queued;
        synchronized (monitor) {
            queued = new ArrayList<>(queue);
            queue.clear();
        }
        RequestRejectedException closed = new RequestRejectedException(RequestRejectedException.Reason.CLOSED,
                "the runtime was closed before the request finished");
        for (Pending p : queued) {
            p.future.completeExceptionally(closed);
        }
        for (Pending p : running) {
            p.row.cancel();
            p.future.completeExceptionally(closed);
        }
        running.clear();
        batcher.close();
    }

    private void failAll(Throwable e) {
        synchronized (monitor) {
            closing = true;
            for (Pending p : queue) {
                p.future.completeExceptionally(e);
            }
            queue.clear();
        }
        for (Pending p : running) {
            p.future.completeExceptionally(e);
        }
        running.clear();
        batcher.close();
    }

    /**
     * Stops admission, fails what waits, cancels what runs, and waits until the generation thread no longer touches
     * the model.
     */
    @Override
    public void close() {
        synchronized (monitor) {
            closing = true;
            monitor.notifyAll();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
