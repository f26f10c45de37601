package io.unimllm.spark;

import io.unimllm.UnifiedMllm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtimes of this JVM (an executor's, or the driver's in local mode): one per {@link ModelSpec}, loaded by the
 * first task that needs it and shared by every later task of the JVM, so that their rows are decoded together by the
 * runtime's continuous batching. They are closed when the JVM shuts down (or by {@link #closeAll()}).
 */
final class ExecutorModels {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final Map<ModelSpec, UnifiedMllm> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();
    private static boolean hookAdded;

    private ExecutorModels() {
    }

    /**
     * The runtime of a spec, loading it on first use; concurrent first callers wait for the one load. A load that
     * fails is not remembered: the next task tries again (and Spark fails the job after its task retries).
     *
     * @param spec which model and how
     * @return the shared runtime; never close it
     */
    static UnifiedMllm get(ModelSpec spec) {
        UnifiedMllm mllm = MODELS.get(spec);
        if (mllm != null) {
            return mllm;
        }
        return MODELS.computeIfAbsent(spec, s -> {
            addShutdownHook();
            long start = System.nanoTime();
            UnifiedMllm loaded = s.load();
            LOADS.incrementAndGet();
            LOG.info("loaded {} (batch {}, device {}, dtype {}) in {} ms", s.resolve(), s.maxBatchSize(),
                    s.device(), s.dtype(), (System.nanoTime() - start) / 1_000_000);
            return loaded;
        });
    }

    /**
     * How many runtimes this JVM has loaded so far (closed ones included).
     *
     * @return the number of loads
     */
    static int loads() {
        return LOADS.get();
    }

    /** Closes every runtime of this JVM; a later task loads its model again. */
    static void closeAll() {
        List<ModelSpec> specs = new ArrayList<>(MODELS.keySet());
        for (ModelSpec s : specs) {
            UnifiedMllm m = MODELS.remove(s);
            if (m != null) {
                try {
                    m.close();
                } catch (RuntimeException e) {
                    LOG.warn("closing the runtime of {} failed: {}", s.dir(), e.toString());
                }
            }
        }
    }

    private static synchronized void addShutdownHook() {
        if (!hookAdded) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "unimllm-spark-close"));
            hookAdded = true;
        }
    }
}
