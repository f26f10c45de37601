package io.unimllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.core.generate.FinishReason;
import io.unimllm.core.generate.GenerationConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Many callers at once on the shipped model: concurrent requests are decoded together and answer exactly what they
 * answer one at a time; each keeps its own settings; a cancelled request stops; the queue is bounded; close is safe
 * while requests run; the parsed stream reports the answer in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrencyTest {
    private static final Path ROOT = Path.of(System.getProperty("unimllm.root", ".."));
    private static final Path SHIPPED = ROOT.resolve("models/shapes-tiny");
    private static final String[] INSTRUCTIONS = {"segment the red circle", "find all circles",
        "what colour is the square?", "how many shapes are there?", "make the red circle blue",
        "remove the circle on the left", "is there a triangle?", "detect the small square"};
    private final List<BufferedImage> images = new ArrayList<>();
    private UnifiedMllm mllm;

    @BeforeAll
    void load() throws IOException {
        for (String name : new String[] {"two-circles.png", "three-shapes.png", "two-squares.png"}) {
            images.add(ImageIO.read(ROOT.resolve("docs/images").resolve(name).toFile()));
        }
        mllm = UnifiedMllm.builder(SHIPPED).maxBatchSize(4).build();
    }

    @AfterAll
    void close() {
        mllm.close();
    }

    private AskRequest request(int i) {
        return AskRequest.of(images.get(i % images.size()), INSTRUCTIONS[i % INSTRUCTIONS.length]);
    }

    private static GenerationConfig longAnswers() {
        return GenerationConfig.builder().maxNewTokens(48).ignoreEos(true).build();
    }

    @Test
    void concurrentGreedyAnswersAreTheSerialOnes() throws Exception {
        int n = 16;
        List<Response> serial = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            serial.add(mllm.ask(request(i)));
        }
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> futures = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(callers.submit(() -> {
                    start.await();
                    return mllm.ask(request(k));
                }));
            }
            start.countDown();
            for (int i = 0; i < n; i++) {
                Response r = futures.get(i).get(120, TimeUnit.SECONDS);
                assertThat(r.rawAnswer()).as("request %d (%s)", i, INSTRUCTIONS[i % INSTRUCTIONS.length])
                        .isEqualTo(serial.get(i).rawAnswer());
                assertThat(r.tokens()).containsExactly(serial.get(i).tokens());
                assertThat(r.tasks()).extracting(t -> t.task().taskType() + ":" + t.status())
                        .containsExactlyElementsOf(serial.get(i).tasks().stream()
                                .map(t -> t.task().taskType() + ":" + t.status()).toList());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void requestsInOneBatchKeepTheirOwnSettings() {
        CompletableFuture<Response> shortOne = mllm.submit(request(0)
                .withGeneration(GenerationConfig.builder().maxNewTokens(3).ignoreEos(true).build()));
        CompletableFuture<Response> longOne = mllm.submit(request(1).withGeneration(longAnswers()));
        CompletableFuture<Response> plain = mllm.submit(request(0));
        assertThat(shortOne.join().finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
        assertThat(shortOne.join().tokens()).hasSize(3);
        assertThat(longOne.join().tokens()).hasSize(48);
        assertThat(plain.join().rawAnswer()).isEqualTo(mllm.ask(request(0)).rawAnswer());
    }

    @Test
    void aCancelledRequestStopsAtTheNextStepAndTheOthersGoOn() throws Exception {
        AtomicInteger afterCancel = new AtomicInteger();
        CountDownLatch firstText = new CountDownLatch(1);
        boolean[] cancelled = {false};
        CompletableFuture<Response> doomed = mllm.submit(request(2).withGeneration(longAnswers()).withListener(e -> {
            if (e instanceof ResponseEvent.TextDelta) {
                if (cancelled[0]) {
                    afterCancel.incrementAndGet();
                }
                firstText.countDown();
            }
        }));
        CompletableFuture<Response> survivor = mllm.submit(request(3));
        assertThat(firstText.await(60, TimeUnit.SECONDS)).isTrue();
        cancelled[0] = true;
        assertThat(doomed.cancel(true)).isTrue();
        assertThatThrownBy(doomed::join).isInstanceOf(CancellationException.class);
        assertThat(survivor.get(60, TimeUnit.SECONDS).rawAnswer()).isEqualTo(mllm.ask(request(3)).rawAnswer());
        assertThat(afterCancel.get()).as("tokens decoded after the cancel").isLessThanOrEqualTo(2);
    }

    @Test
    void theParsedStreamReportsTextTasksAndTheEndInOrder() {
        List<ResponseEvent> events = new CopyOnWriteArrayList<>();
        Response r = mllm.ask(request(0).withListener(events::add));
        StringBuilder text = new StringBuilder();
        int parsed = 0;
        int finished = 0;
        for (ResponseEvent e : events) {
            if (e instanceof ResponseEvent.TextDelta d) {
                assertThat(finished).as("text before the experts' results").isZero();
                text.append(d.text());
            } else if (e instanceof ResponseEvent.TaskParsed p) {
                assertThat(p.index()).isEqualTo(parsed++);
            } else if (e instanceof ResponseEvent.TaskFinished f) {
                assertThat(f.index()).isEqualTo(finished++).isLessThan(parsed);
                assertThat(f.result()).isEqualTo(r.tasks().get(f.index()));
            }
        }
        assertThat(text.toString().strip()).isEqualTo(r.rawAnswer().strip());
        assertThat(parsed).isEqualTo(r.tasks().size()).isPositive();
        assertThat(finished).isEqualTo(r.tasks().size());
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ResponseEvent.Done.class,
                d -> assertThat(d.response()).isSameAs(r));
        assertThat(events).filteredOn(e -> e instanceof ResponseEvent.GroundingDecoded).isNotEmpty();
    }

    @Test
    void aFullQueueRejectsWithATypedErrorAndAStaleRequestTimesOut() throws Exception {
        try (UnifiedMllm small = UnifiedMllm.builder(SHIPPED).discoverExperts(false).maxBatchSize(1).maxQueued(1)
                .maxQueueWait(java.time.Duration.ofMillis(100)).build()) {
            // the running request holds the generation thread in its listener until the others are queued
            CountDownLatch generating = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Response> running = small.submit(request(1).withListener(e -> {
                if (e instanceof ResponseEvent.TextDelta && generating.getCount() > 0) {
                    generating.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }
            }));
            assertThat(generating.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Response> queued = small.submit(request(2));
            assertThatThrownBy(() -> small.submit(request(3))).isInstanceOfSatisfying(RequestRejectedException.class,
                    e -> {
                        assertThat(e.reason()).isEqualTo(RequestRejectedException.Reason.QUEUE_FULL);
                        assertThat(e).hasMessageContaining("maxQueued 1");
                    });
            Thread.sleep(300); // longer than maxQueueWait
            release.countDown();
            assertThat(running.get(30, TimeUnit.SECONDS).rawAnswer()).isEqualTo(mllm.ask(request(1)).rawAnswer());
            assertThatThrownBy(queued::join).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(RequestRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(RequestRejectedException.Reason.QUEUE_TIMEOUT));
            assertThat(small.ask(request(2)).rawAnswer()).as("the runtime goes on after the rejections")
                    .isEqualTo(mllm.ask(request(2)).rawAnswer());
        }
    }

    @Test
    void closingWhileRequestsRunIsSafeAndLaterRequestsAreRefused() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 4; round++) {
                UnifiedMllm m = UnifiedMllm.builder(SHIPPED).discoverExperts(false).maxBatchSize(2).build();
                List<Future<?>> calls = new ArrayList<>();
                AtomicInteger answered = new AtomicInteger();
                AtomicInteger refused = new AtomicInteger();
                for (int t = 0; t < 4; t++) {
                    int k = t;
                    calls.add(callers.submit(() -> {
                        for (int i = 0; i < 3; i++) {
                            try {
                                m.ask(request(k + i).withGeneration(longAnswers()));
                                answered.incrementAndGet();
                            } catch (RequestRejectedException e) {
                                assertThat(e.reason()).isEqualTo(RequestRejectedException.Reason.CLOSED);
                                refused.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                Thread.sleep(200L * (round + 1));
                m.close();
                for (Future<?> f : calls) {
                    f.get(60, TimeUnit.SECONDS); // no caller hangs, none sees anything but an answer or CLOSED
                }
                assertThat(answered.get() + refused.get()).isEqualTo(12);
                assertThatThrownBy(() -> m.ask(request(0))).isInstanceOfSatisfying(RequestRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RequestRejectedException.Reason.CLOSED));
                m.close(); // twice is fine
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
