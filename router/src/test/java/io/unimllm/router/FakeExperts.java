package io.unimllm.router;

import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertProvider;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.InputKind;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Test experts with scripted behaviour. */
final class FakeExperts {
    private FakeExperts() {
    }

    interface Body {
        ExpertResult run(ExpertRequest r) throws Exception;
    }

    static ExpertModel expert(String name, String task, int priority, Set<InputKind> requires, Body body) {
        return new ExpertModel() {
            @Override
            public ExpertDescriptor describe() {
                return new ExpertDescriptor(name, Set.of(task), requires, requires, priority);
            }

            @Override
            public ExpertResult run(ExpertRequest request) throws Exception {
                return body.run(request);
            }
        };
    }

    static ExpertModel text(String name, String task, int priority) {
        return expert(name, task, priority, Set.of(), r -> ExpertResult.ofText(name));
    }

    /** Discovered through META-INF/services in test resources. */
    public static final class Provider implements ExpertProvider {
        @Override
        public List<ExpertModel> create(Map<String, String> options) {
            return List.of(text(options.getOrDefault("name", "discovered"), "caption", 1));
        }
    }
}
