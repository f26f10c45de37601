package io.unimllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The router's ownership rule (an expert registered by the caller stays the caller's; what the router discovers it
 * closes, also when its build fails) and its report of experts that no task can reach.
 */
class TaskRouterOwnershipTest {

    private static ExpertModel closing(String name, String task, AtomicInteger closed) {
        return new ExpertModel() {
            @Override
            public ExpertDescriptor describe() {
                return new ExpertDescriptor(name, Set.of(task), Set.of(), Set.of(), 0);
            }

            @Override
            public ExpertResult run(ExpertRequest request) {
                return ExpertResult.ofText(name);
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        };
    }

    @Test
    void closingTheRouterLeavesTheCallersExpertsOpen() {
        AtomicInteger closed = new AtomicInteger();
        TaskRouter router = TaskRouter.builder().expert(closing("mine", "segment", closed)).build();
        router.close();
        assertThat(closed).hasValue(0);
    }

    @Test
    void aBuildThatFailsLeavesTheCallersExpertsOpen() {
        AtomicInteger closed = new AtomicInteger();
        TaskRouter.Builder b = TaskRouter.builder().expert(closing("same", "segment", closed))
                .expert(closing("same", "detect", closed)).discover(Map.of());
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two experts are named 'same'");
        assertThat(closed).hasValue(0);
    }

    @Test
    void anExpertWhoseTaskTypesTheModelNeverEmitsOrThatAreRoutedElsewhereIsReported() {
        AtomicInteger closed = new AtomicInteger();
        try (TaskRouter router = TaskRouter.builder()
                .routing(new RoutingConfig(Map.of("segment", List.of("preferred")), false))
                .expert(closing("preferred", "segment", closed))
                .expert(closing("shadowed", "segment", closed))
                .expert(closing("alien", "paint", closed))
                .expert(closing("free", "detect", closed)).build()) {
            List<String> unreachable = router.unreachableExperts(Set.of("segment", "detect"));
            assertThat(unreachable).hasSize(2);
            assertThat(unreachable).anySatisfy(w -> assertThat(w).startsWith("expert 'shadowed'")
                    .contains("'segment' is routed to [preferred]"));
            assertThat(unreachable).anySatisfy(w -> assertThat(w).startsWith("expert 'alien'")
                    .contains("'paint' is not in the model's task vocabulary"));
        }
    }

    @Test
    void aRouteNamingAnExpertThatIsNotRegisteredDoesNotHideTheOthers() {
        AtomicInteger closed = new AtomicInteger();
        try (TaskRouter router = TaskRouter.builder()
                .routing(new RoutingConfig(Map.of("segment", List.of("absent")), false))
                .expert(closing("present", "segment", closed)).build()) {
            assertThat(router.unreachableExperts(Set.of("segment"))).isEmpty();
        }
    }
}
