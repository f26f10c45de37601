package io.unimllm.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.unimllm.protocol.TaskCall;
import io.unimllm.router.spi.ExpertResult;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An expert that breaks its contract fails its own task; the answer's other tasks come back. */
class BrokenExpertTest {
    private static final BufferedImage IMAGE = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);

    private static TaskCall task(String type, int index) {
        return new TaskCall(type, "x", List.of(), Optional.empty(), index);
    }

    @Test
    void anExpertReturningNullFailsOnlyItsTask() {
        try (TaskRouter router = TaskRouter.builder()
                .expert(FakeExperts.expert("null-returner", "segment", 0, Set.of(), r -> null))
                .expert(FakeExperts.text("fine", "detect", 0)).build()) {
            List<TaskResult> results = router.route(IMAGE, "x", List.of(task("segment", 0), task("detect", 1)));
            assertThat(results.get(0).status()).isEqualTo(TaskStatus.FAILED);
            assertThat(results.get(0).error()).get().asString().contains("null-returner").contains("null");
            assertThat(results.get(1).status()).isEqualTo(TaskStatus.OK);
            assertThat(results.get(1).result().flatMap(ExpertResult::text)).contains("fine");
        }
    }
}
