package io.unimllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.InputKind;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Routing choices and every failure mode of the router. */
class TaskRouterTest {
    private static final BufferedImage IMAGE = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);

    private static TaskCall task(String type, Grounding... g) {
        return new TaskCall(type, "", List.of(g), Optional.empty(), 0);
    }

    private static String text(TaskResult r) {
        return r.result().flatMap(ExpertResult::text).orElse(null);
    }

    @Test
    void taskNoExpertServesIsReportedNotDropped() {
        try (TaskRouter router = TaskRouter.builder().expert(FakeExperts.text("a", "segment", 0)).build()) {
            List<TaskResult> r = router.route(IMAGE, "x", List.of(task("fly"), task("segment")));
            assertThat(r).extracting(TaskResult::status).containsExactly(TaskStatus.NO_EXPERT, TaskStatus.OK);
            assertThat(r.get(0).error().orElseThrow()).isInstanceOf(NoExpertException.class)
                    .hasMessageContaining("'fly'").hasMessageContaining("a[segment]");
        }
        try (TaskRouter router = TaskRouter.builder().routing(new RoutingConfig(Map.of(), true)).build()) {
            assertThat(router.route(IMAGE, "x", List.of(task("fly"))).get(0).status()).isEqualTo(TaskStatus.SKIPPED);
        }
    }

    @Test
    void aSlotPromptedExpertGetsTheTasksWhoseSlotsAllCarryTheirStates() {
        float[] s0 = {0.5f};
        float[] s1 = {0.25f};
        TaskCall full = new TaskCall("segment", "", List.of(), Optional.empty(), 0, List.of(
                new TaskCall.Slot("<seg_0>", 1, Optional.of(s0)), new TaskCall.Slot("<seg_1>", 2, Optional.of(s1))));
        TaskCall partial = new TaskCall("segment", "", List.of(), Optional.empty(), 0, List.of(
                new TaskCall.Slot("<seg_0>", 1, Optional.of(s0)), new TaskCall.Slot("<seg_1>", 2, Optional.empty())));
        try (TaskRouter router = TaskRouter.builder()
                .expert(FakeExperts.expert("slots", "segment", 0, Set.of(InputKind.SLOT_STATES),
                        r -> ExpertResult.ofText(r.task().slotStates().get(1)[0] + "")))
                .expert(FakeExperts.text("plain", "segment", -1)).build()) {
            assertThat(TaskRouter.inputsOf(full)).containsExactly(InputKind.SLOT_STATES);
            assertThat(TaskRouter.inputsOf(partial)).isEmpty();
            List<TaskResult> r = router.route(IMAGE, "x", List.of(full, partial));
            assertThat(r).extracting(TaskRouterTest::text).containsExactly("0.25", "plain");
        }
    }

    @Test
    void anExpertThatThrowsFailsOnlyItsOwnTask() {
        try (TaskRouter router = TaskRouter.builder()
                .expert(FakeExperts.expert("boom", "edit", 0, Set.of(), r -> {
                    throw new IllegalStateException("no colour");
                }))
                .expert(FakeExperts.text("ok", "segment", 0)).build()) {
            List<TaskResult> r = router.route(IMAGE, "x", List.of(task("edit"), task("segment")));
            assertThat(r.get(0).status()).isEqualTo(TaskStatus.FAILED);
            assertThat(r.get(0).error().orElseThrow()).hasMessage("no colour");
            assertThat(r.get(0).expert()).contains("boom");
            assertThat(text(r.get(1))).isEqualTo("ok");
        }
    }

    @Test
    void aSlowExpertTimesOutWhileTheOthersReturn() {
        CountDownLatch never = new CountDownLatch(1);
        try (TaskRouter router = TaskRouter.builder().timeout(Duration.ofMillis(200))
                .expert(FakeExperts.expert("slow", "edit", 0, Set.of(), r -> {
                    never.await();
                    return ExpertResult.ofText("late");
                }))
                .expert(FakeExperts.text("fast", "segment", 0)).build()) {
            List<TaskResult> r = router.route(IMAGE, "x", List.of(task("edit"), task("segment")));
            assertThat(r.get(0).status()).isEqualTo(TaskStatus.TIMED_OUT);
            assertThat(r.get(1).status()).isEqualTo(TaskStatus.OK);
        }
    }

    @Test
    void tasksOfOneAnswerRunConcurrently() {
        CountDownLatch both = new CountDownLatch(2);
        FakeExperts.Body meet = r -> {
            both.countDown();
            // each expert waits for the other: only concurrent execution lets both finish
            return both.await(10, TimeUnit.SECONDS) ? ExpertResult.ofText("met") : ExpertResult.ofText("alone");
        };
        try (TaskRouter router = TaskRouter.builder().expert(FakeExperts.expert("a", "segment", 0, Set.of(), meet))
                .expert(FakeExperts.expert("b", "detect", 0, Set.of(), meet)).build()) {
            List<TaskResult> r = router.route(IMAGE, "x", List.of(task("segment"), task("detect")));
            assertThat(r).extracting(TaskRouterTest::text).containsExactly("met", "met");
        }
    }

    @Test
    void routeOrderWinsThenCapabilityThenPriority() throws Exception {
        var high = FakeExperts.text("high", "segment", 10);
        var low = FakeExperts.text("low", "segment", 1);
        var boxOnly = FakeExperts.expert("box-only", "segment", 100, Set.of(InputKind.BOX),
                r -> ExpertResult.ofText("box-only"));
        TaskCall plain = task("segment");
        TaskCall withBox = task("segment", Grounding.of(new Box(0, 0, 4, 4)));
        try (TaskRouter router = TaskRouter.builder().expert(high).expert(low).expert(boxOnly).build()) {
            assertThat(router.choose(plain).orElseThrow().describe().name()).isEqualTo("high");
            assertThat(router.choose(withBox).orElseThrow().describe().name()).isEqualTo("box-only");
        }
        RoutingConfig cfg = RoutingConfig.fromJson(new ObjectMapper().readTree(
                "{\"routes\": {\"segment\": [\"missing\", \"low\"]}, \"fallback\": \"error\"}"));
        try (TaskRouter router = TaskRouter.builder().expert(high).expert(low).expert(boxOnly).routing(cfg).build()) {
            assertThat(router.choose(withBox).orElseThrow().describe().name()).isEqualTo("low");
        }
    }

    @Test
    void providersOnTheClassPathAreDiscovered() {
        try (TaskRouter router = TaskRouter.builder().discover(Map.of("name", "found")).build()) {
            assertThat(router.experts()).extracting(d -> d.name()).contains("found");
            assertThat(text(router.route(IMAGE, "x", List.of(task("caption"))).get(0))).isEqualTo("found");
        }
    }

    @Test
    void malformedRoutingConfigIsAClearError() {
        ObjectMapper json = new ObjectMapper();
        assertThatThrownBy(() -> RoutingConfig.fromJson(json.readTree("{\"routes\": [1]}")))
                .hasMessageContaining("'routes' must be an object");
        assertThatThrownBy(() -> RoutingConfig.fromJson(json.readTree("{\"routes\": {\"seg\": [1]}}")))
                .hasMessageContaining("routes.seg");
        assertThatThrownBy(() -> RoutingConfig.fromJson(json.readTree("{\"fallback\": \"retry\"}")))
                .hasMessageContaining("'fallback'");
        assertThatThrownBy(() -> TaskRouter.builder().expert(FakeExperts.text("x", "a", 0))
                .expert(FakeExperts.text("x", "b", 0)).build()).hasMessageContaining("two experts are named 'x'");
    }

    @Test
    void routeAsyncCompletesWithTheSameResults() throws Exception {
        try (TaskRouter router = TaskRouter.builder().expert(FakeExperts.text("a", "segment", 0)).build()) {
            assertThat(router.routeAsync(IMAGE, "x", List.of(task("segment"))).get(5, TimeUnit.SECONDS))
                    .extracting(TaskRouterTest::text).containsExactly("a");
        }
    }
}
