package io.unimllm.router;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.geometry.SegmentationCodes;
import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertProvider;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.InputKind;
import io.unimllm.tokenizer.protocol.TaskCall;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each {@link TaskCall} of an answer to an {@link ExpertModel}. Experts come from the builder and from
 * {@link ServiceLoader}-discovered {@link ExpertProvider}s. For each task the router picks, among experts serving its
 * type and able to use the inputs it carries, the first named by the {@link RoutingConfig} route, else the one of
 * highest priority. The tasks of one answer run concurrently on an executor, each with a timeout; one expert failing
 * or timing out never affects the others. Results come back in task order.
 */
public final class TaskRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRouter.class);

    private final List<ExpertModel> experts;
    private final List<ExpertModel> owned;
    private final RoutingConfig routing;
    private final Duration timeout;
    private final ExecutorService executor;
    private final boolean ownsExecutor;

    private TaskRouter(Builder b) {
        this.experts = List.copyOf(b.experts);
        this.owned = List.copyOf(b.owned);
        this.routing = b.routing;
        this.timeout = b.timeout;
        this.ownsExecutor = b.executor == null;
        this.executor = b.executor != null ? b.executor : Executors.newCachedThreadPool(new ExpertThreads());
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Descriptors of every registered expert. */
    public List<ExpertDescriptor> experts() {
        return experts.stream().map(ExpertModel::describe).toList();
    }

    /** The routing configuration in use. */
    public RoutingConfig routing() {
        return routing;
    }

    /** Inputs a task carries beside the image. */
    public static Set<InputKind> inputsOf(TaskCall task) {
        Set<InputKind> in = EnumSet.noneOf(InputKind.class);
        if (!task.arguments().isBlank()) {
            in.add(InputKind.TEXT);
        }
        task.hiddenState().ifPresent(h -> in.add(InputKind.HIDDEN_STATE));
        for (Grounding g : task.groundings()) {
            if (g.geometry() instanceof Box) {
                in.add(InputKind.BOX);
            } else if (g.geometry() instanceof Point) {
                in.add(InputKind.POINT);
            } else if (g.geometry() instanceof Polygon) {
                in.add(InputKind.POLYGON);
            } else if (g.geometry() instanceof SegmentationCodes) {
                in.add(InputKind.SEGMENTATION_CODES);
            }
        }
        return in;
    }

    /** The expert that would serve {@code task}, if any. */
    public Optional<ExpertModel> choose(TaskCall task) {
        Set<InputKind> carried = inputsOf(task);
        List<ExpertModel> capable = new ArrayList<>();
        for (ExpertModel e : experts) {
            ExpertDescriptor d = e.describe();
            boolean inputsOk = d.requiresOneOf().isEmpty() || d.requiresOneOf().stream().anyMatch(carried::contains);
            if (d.taskTypes().contains(task.taskType()) && inputsOk) {
                capable.add(e);
            }
        }
        for (String name : routing.preferred(task.taskType())) {
            for (ExpertModel e : capable) {
                if (e.describe().name().equals(name)) {
                    return Optional.of(e);
                }
            }
        }
        return capable.stream().max(Comparator.comparingInt((ExpertModel e) -> e.describe().priority())
                .thenComparingLong(e -> e.describe().accepts().stream().filter(carried::contains).count()));
    }

    /**
     * Runs every task and waits for all of them (each bounded by the timeout).
     *
     * @return one result per task, in task order
     */
    public List<TaskResult> route(BufferedImage image, String instruction, List<TaskCall> tasks) {
        Map<Integer, TaskResult> done = new LinkedHashMap<>();
        Map<Integer, Future<ExpertResult>> running = new LinkedHashMap<>();
        Map<Integer, String> names = new LinkedHashMap<>();
        Map<Integer, long[]> times = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            TaskCall task = tasks.get(i);
            Optional<ExpertModel> expert = choose(task);
            if (expert.isEmpty()) {
                String msg = "no expert serves task type '" + task.taskType() + "' with inputs " + inputsOf(task)
                        + "; registered: " + experts.stream().map(e -> e.describe().name() + e.describe().taskTypes())
                        .toList();
                TaskStatus status = routing.skipUnserved() ? TaskStatus.SKIPPED : TaskStatus.NO_EXPERT;
                LOG.debug("{}: {}", status, msg);
                done.put(i, new TaskResult(task, Optional.empty(), status, Optional.empty(),
                        Optional.of(new NoExpertException(msg)), Duration.ZERO));
                continue;
            }
            ExpertModel e = expert.get();
            String name = e.describe().name();
            long[] t = new long[2];
            ExpertRequest request = new ExpertRequest(image, instruction, task);
            names.put(i, name);
            times.put(i, t);
            LOG.debug("task {} ({}) -> expert {}", i, task.taskType(), name);
            running.put(i, executor.submit(() -> {
                t[0] = System.nanoTime();
                try {
                    return e.run(request);
                } finally {
                    t[1] = System.nanoTime();
                }
            }));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<Integer, Future<ExpertResult>> r : running.entrySet()) {
            int i = r.getKey();
            TaskCall task = tasks.get(i);
            Optional<String> name = Optional.of(names.get(i));
            try {
                ExpertResult result = r.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                done.put(i, new TaskResult(task, name, TaskStatus.OK, Optional.of(result), Optional.empty(),
                        elapsed(times.get(i))));
            } catch (TimeoutException e) {
                r.getValue().cancel(true);
                LOG.debug("expert {} timed out after {}", name.get(), timeout);
                done.put(i, new TaskResult(task, name, TaskStatus.TIMED_OUT, Optional.empty(),
                        Optional.of(new TimeoutException("expert " + name.get() + " did not finish within " + timeout)),
                        timeout));
            } catch (ExecutionException e) {
                LOG.debug("expert {} failed: {}", name.get(), e.getCause().toString());
                done.put(i, new TaskResult(task, name, TaskStatus.FAILED, Optional.empty(),
                        Optional.of(e.getCause()), elapsed(times.get(i))));
            } catch (CancellationException e) {
                done.put(i, new TaskResult(task, name, TaskStatus.FAILED, Optional.empty(), Optional.of(e),
                        elapsed(times.get(i))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r.getValue().cancel(true);
                done.put(i, new TaskResult(task, name, TaskStatus.FAILED, Optional.empty(), Optional.of(e),
                        Duration.ZERO));
            }
        }
        List<TaskResult> out = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            out.add(done.get(i));
        }
        return out;
    }

    private static Duration elapsed(long[] t) {
        return t[0] == 0 ? Duration.ZERO : Duration.ofNanos((t[1] == 0 ? System.nanoTime() : t[1]) - t[0]);
    }

    /** {@link #route} on the router's executor. */
    public CompletableFuture<List<TaskResult>> routeAsync(BufferedImage image, String instruction,
            List<TaskCall> tasks) {
        return CompletableFuture.supplyAsync(() -> route(image, instruction, tasks), executor);
    }

    @Override
    public void close() {
        if (ownsExecutor) {
            executor.shutdownNow();
        }
        for (ExpertModel e : owned) {
            try {
                e.close();
            } catch (Exception ex) {
                LOG.warn("closing expert {} failed: {}", e.describe().name(), ex.toString());
            }
        }
    }

    /** Daemon threads named after the router. */
    private static final class ExpertThreads implements ThreadFactory {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "unimllm-expert-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /** Builder of a {@link TaskRouter}. */
    public static final class Builder {
        private final List<ExpertModel> experts = new ArrayList<>();
        private final List<ExpertModel> owned = new ArrayList<>();
        private RoutingConfig routing = RoutingConfig.none();
        private Duration timeout = Duration.ofSeconds(60);
        private ExecutorService executor;

        private Builder() {
        }

        /** Registers an expert; the caller keeps ownership (the router does not close it). */
        public Builder expert(ExpertModel expert) {
            experts.add(expert);
            return this;
        }

        /** Registers an expert the router closes. */
        public Builder ownedExpert(ExpertModel expert) {
            experts.add(expert);
            owned.add(expert);
            return this;
        }

        /**
         * Adds the experts of every {@link ExpertProvider} on the class path (the router owns and closes them). A
         * provider that fails is logged and skipped; the others are still added.
         */
        public Builder discover(Map<String, String> options) {
            for (ExpertProvider p : ServiceLoader.load(ExpertProvider.class)) {
                try {
                    for (ExpertModel e : p.create(options)) {
                        ownedExpert(e);
                    }
                } catch (Exception e) {
                    LOG.warn("expert provider {} failed and is skipped: {}", p.getClass().getName(), e.toString());
                }
            }
            return this;
        }

        /** Task type -> preferred experts and the fallback for unserved tasks. */
        public Builder routing(RoutingConfig routing) {
            this.routing = routing;
            return this;
        }

        /** Per-answer timeout of the experts (default 60 s). */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Runs experts on this executor (the caller shuts it down) instead of the router's own. */
        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        /** Builds the router. */
        public TaskRouter build() {
            Set<String> names = new java.util.HashSet<>();
            for (ExpertModel e : experts) {
                if (!names.add(e.describe().name())) {
                    throw new IllegalArgumentException("two experts are named '" + e.describe().name() + "'");
                }
            }
            return new TaskRouter(this);
        }
    }
}
