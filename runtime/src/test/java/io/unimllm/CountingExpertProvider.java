package io.unimllm;

import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertProvider;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider discovered through META-INF/services in the runtime's tests: counts the experts it creates and how many
 * of them were closed, so tests can see whether the router that discovered them was closed.
 */
public final class CountingExpertProvider implements ExpertProvider {
    static final AtomicInteger CREATED = new AtomicInteger();
    static final AtomicInteger CLOSED = new AtomicInteger();
    /** A task type no model's vocabulary names. */
    static final String TASK = "counting-test";

    @Override
    public List<ExpertModel> create(Map<String, String> options) {
        CREATED.incrementAndGet();
        return List.of(new ExpertModel() {
            @Override
            public ExpertDescriptor describe() {
                return new ExpertDescriptor("counting", Set.of(TASK), Set.of(), Set.of(), 0);
            }

            @Override
            public ExpertResult run(ExpertRequest request) {
                return ExpertResult.ofText("counted");
            }

            @Override
            public void close() {
                CLOSED.incrementAndGet();
            }
        });
    }
}
