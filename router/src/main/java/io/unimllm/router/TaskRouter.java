package io.unimllm.router;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.geometry.SegmentationCodes;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertProvider;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.InputKind;
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
 * highest priority (see {@link ExpertDescriptor} for the whole rule). The tasks of one answer run concurrently on an
 * executor, under one timeout; one expert failing or timing out never affects the others. Results come back in task
 * order. A router is thread-safe: several answers may be routed at once.
 *
 * <p>Ownership: experts registered with {@link Builder#expert(ExpertModel)} and an executor given with
 * {@link Builder#executor(ExecutorService)} belong to the caller, who closes them; the experts that
 * {@link Builder#discover(Map)} creates and the router's own executor belong to the router and are closed by
 * {@link #close()}. A build that fails closes the experts it discovered.
 */
public final class TaskRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRouter.class);
    /** How long {@link #close()} waits for running experts before it closes the experts it discovered. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

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

    /**
     * A new builder.
     *
     * @return a builder with no experts, no routes and a 60 s timeout
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What the router can use.
     *
     * @return the descriptor of every expert, the caller's and the discovered ones, in registration order
     */
    public List<ExpertDescriptor> experts() {
        return experts.stream().map(ExpertModel::describe).toList();
    }

    /**
     * The routing configuration in use.
     *
     * @return the configuration given to the builder, or {@link RoutingConfig#none()}
     */
    public RoutingConfig routing() {
        return routing;
    }

    /**
     * The inputs a task carries beside the image, which decide the experts that can take it.
     *
     * @param task a task of a model's answer
     * @return {@link InputKind#TEXT} when its arguments are not blank, {@link InputKind#HIDDEN_STATE} when it has a
     *     hidden state, {@link InputKind#SLOT_STATES} when it has slots and each has its hidden state, and the kind of
     *     each of its groundings
     */
    public static Set<InputKind> inputsOf(TaskCall task) {
        Set<InputKind> in = EnumSet.noneOf(InputKind.class);
        if (!task.arguments().isBlank()) {
            in.add(InputKind.TEXT);
        }
        task.hiddenState().ifPresent(h -> in.add(InputKind.HIDDEN_STATE));
        if (!task.slotStates().isEmpty()) {
            in.add(InputKind.SLOT_STATES);
        }
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

    /**
     * Explains each registered expert that no task of the given types can reach: it serves none of those types, or
     * every type it serves is routed to other registered experts of that type. An expert the explanation names may
     * still be reachable through a route's fallback when the routed expert cannot take a task's inputs; the check is
     * meant for warnings at build time.
     *
     * @param taskTypes the task types a model can emit (its task vocabulary)
     * @return one line per unreachable expert, naming it and why; empty when every expert can be reached
     */
    public List<String> unreachableExperts(Set<String> taskTypes) {
        List<String> out = new ArrayList<>();
        for (ExpertModel e : experts) {
            ExpertDescriptor d = e.describe();
            List<String> why = new ArrayList<>();
            boolean reachable = false;
            for (String type : d.taskTypes()) {
                if (!taskTypes.contains(type)) {
                    why.add("'" + type + "' is not in the model's task vocabulary");
                    continue;
                }
                List<String> preferred = routing.preferred(type);
                boolean routedElsewhere = !preferred.isEmpty() && !preferred.contains(d.name())
                        && experts.stream().anyMatch(o -> o != e && preferred.contains(o.describe().name())
                                && o.describe().taskTypes().contains(type));
                if (routedElsewhere) {
                    why.add("'" + type + "' is routed to " + preferred);
                } else {
                    reachable = true;
                }
            }
            if (!reachable) {
                out.add("expert '" + d.name() + "' can never be chosen: " + String.join("; ", why));
            }
        }
        return out;
    }

    /**
     * The expert that would serve {@code task}, if any.
     *
     * @param task a task of a model's answer
     * @return among the experts that serve the task's type and can take its inputs, the first the type's route
     *     names, else the one of highest priority (ties: see {@link ExpertDescriptor}); empty when none can
     */
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
     * Runs every task on the executor and waits for all of them, at most the router's timeout counted from when the
     * last task was handed to the executor. A task whose expert throws, times out or is missing gets a result saying
     * so; none of that is thrown here. If the calling thread is interrupted, the tasks still running are cancelled.
     *
     * @param image the original image, shared by all tasks; experts must not modify it
     * @param instruction the user's instruction that led to the tasks
     * @param tasks the task calls of one answer
     * @return one result per task, in task order
     * @throws java.util.concurrent.RejectedExecutionException when the executor takes no more tasks (the router's
     *     own after {@link #close()})
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
                if (result == null) {
                    // a broken expert fails its own task only, never the answer's other tasks
                    done.put(i, new TaskResult(task, name, TaskStatus.FAILED, Optional.empty(),
                            Optional.of(new ExpertException("expert " + name.get() + " returned no result (null)")),
                            elapsed(times.get(i))));
                    continue;
                }
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

    /**
     * {@link #route} on the router's executor. The routing itself occupies one executor thread while it waits for
     * the experts, so an executor given to the builder needs a thread beyond those the tasks use.
     *
     * @param image the original image, shared by all tasks; experts must not modify it
     * @param instruction the user's instruction that led to the tasks
     * @param tasks the task calls of one answer
     * @return a future completed with what {@link #route} returns, or exceptionally with what it throws
     */
    public CompletableFuture<List<TaskResult>> routeAsync(BufferedImage image, String instruction,
            List<TaskCall> tasks) {
        return CompletableFuture.supplyAsync(() -> route(image, instruction, tasks), executor);
    }

    /**
     * Stops the router's own executor (interrupting runs in progress and waiting up to 5 s for them to stop) and closes
     * the experts it discovered, logging and skipping any that fail to close; the caller's experts and executor stay
     * open. When an expert is still running after the wait (it ignores interrupts), the discovered experts are left
     * open rather than have their native memory freed while in use, and a warning is logged.
     */
    @Override
    public void close() {
        if (ownsExecutor) {
            executor.shutdownNow();
            try {
                // an expert still running (a timed-out task) must not have its native memory freed under it
                if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("experts still running {} after close; the discovered experts are left open so that "
                            + "their native memory is not freed while in use", CLOSE_WAIT);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("interrupted while waiting for running experts; the discovered experts are left open");
                return;
            }
        }
        closeAll(owned);
    }

    private static void closeAll(List<ExpertModel> experts) {
        for (ExpertModel e : experts) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                LOG.warn("closing expert {} failed: {}", e.getClass().getName(), ex.toString());
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

    /** Builder of a {@link TaskRouter}; not thread-safe. */
    public static final class Builder {
        private final List<ExpertModel> experts = new ArrayList<>();
        private final List<ExpertModel> owned = new ArrayList<>();
        private RoutingConfig routing = RoutingConfig.none();
        private Duration timeout = Duration.ofSeconds(60);
        private ExecutorService executor;

        private Builder() {
        }

        /**
         * Registers an expert. It stays the caller's: the router never closes it.
         *
         * @param expert the expert
         * @return this builder
         */
        public Builder expert(ExpertModel expert) {
            experts.add(java.util.Objects.requireNonNull(expert, "expert"));
            return this;
        }

        private void discovered(ExpertModel expert) {
            experts.add(expert);
            owned.add(expert);
        }

        /**
         * Adds the experts of every {@link ExpertProvider} on the class path (the router owns and closes them). A
         * provider whose {@link ExpertProvider#create} throws is logged and skipped; the others are still added. Each
         * call creates the experts anew, so call it once.
         *
         * @param options handed to every provider's {@link ExpertProvider#create}
         * @return this builder
         * @throws java.util.ServiceConfigurationError when a listed provider cannot be loaded or instantiated
         */
        public Builder discover(Map<String, String> options) {
            java.util.Iterator<ExpertProvider> providers = ServiceLoader.load(ExpertProvider.class).iterator();
            while (true) {
                ExpertProvider p;
                try {
                    if (!providers.hasNext()) {
                        break;
                    }
                    p = providers.next();
                } catch (java.util.ServiceConfigurationError e) {
                    // a provider listed but not loadable (missing class, no public constructor): skip it, keep the rest
                    LOG.warn("an expert provider cannot be loaded and is skipped: {}", e.toString());
                    continue;
                }
                try {
                    for (ExpertModel e : p.create(options)) {
                        if (e == null) {
                            LOG.warn("expert provider {} returned a null expert; skipped", p.getClass().getName());
                            continue;
                        }
                        discovered(e);
                    }
                } catch (Exception e) {
                    LOG.warn("expert provider {} failed and is skipped: {}", p.getClass().getName(), e.toString());
                }
            }
            return this;
        }

        /**
         * Sets the routes and the fallback for unserved tasks.
         *
         * @param routing task type to preferred experts, and whether unserved tasks are skipped
         * @return this builder
         */
        public Builder routing(RoutingConfig routing) {
            this.routing = routing;
            return this;
        }

        /**
         * Sets how long {@link TaskRouter#route} waits for the experts of one answer, all tasks together, counted
         * from when the last task was handed to the executor (default 60 s).
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is zero or negative
         */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Runs experts on this executor instead of the router's own (a cached pool of daemon threads). It stays the
         * caller's: {@link TaskRouter#close()} does not shut it down.
         *
         * @param executor the executor, or null for the router's own
         * @return this builder
         */
        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        /**
         * Builds the router. When it fails, the experts {@link #discover(Map)} created are closed; the caller's are
         * not.
         *
         * @return the router
         * @throws IllegalArgumentException when two experts share a name
         */
        public TaskRouter build() {
            try {
                Set<String> names = new java.util.HashSet<>();
                for (ExpertModel e : experts) {
                    if (!names.add(e.describe().name())) {
                        throw new IllegalArgumentException("two experts are named '" + e.describe().name() + "'");
                    }
                }
                return new TaskRouter(this);
            } catch (RuntimeException | Error e) {
                closeAll(owned);
                throw e;
            }
        }
    }
}
