package io.unimllm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.unimllm.core.Fixtures;
import io.unimllm.core.PromptException;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.LoadOptions;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Continuous batching gives every row what the {@link Generator} gives its prompt alone: rows join the running batch
 * at different steps and leave it at different lengths, each with its own settings, and their tokens, finish
 * reasons and kept hidden states equal those of serial generation. Runs on the tiny-llava fixture (vocabulary 160,
 * image token 150, 16 image positions, context 64).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContinuousBatcherTest {
    private static final int IMAGE_TOKEN = 150;
    private LlavaModel model;
    private Generator serial;
    private float[] pixels;

    @BeforeAll
    void load() throws IOException {
        model = LlavaModel.load(Fixtures.golden("tiny-llava"), LoadOptions.builder().device(Device.cpu()).build());
        serial = new Generator(model);
        try (SafetensorsCheckpoint ref = SafetensorsCheckpoint.open(
                Fixtures.golden("tiny-llava").resolve("reference.safetensors"))) {
            pixels = new float[3 * 16 * 16];
            ref.data("pixel_values").asFloatBuffer().get(pixels);
        }
    }

    @AfterAll
    void close() {
        model.close();
    }

    private static Prompt text(int n, int salt) {
        int[] ids = new int[n];
        ids[0] = 1;
        for (int i = 1; i < n; i++) {
            ids[i] = 3 + (i * 7 + salt * 13) % 140;
        }
        return Prompt.text(ids);
    }

    private Prompt withImage(int salt) {
        return new Prompt(new int[] {1, 5 + salt, IMAGE_TOKEN, 9, 17 + salt}, List.of(pixels));
    }

    private static GenerationConfig greedy(int n) {
        return GenerationConfig.builder().maxNewTokens(n).ignoreEos(true).build();
    }

    /**
     * Drives the batcher, admitting {@code prompts[i]} before step {@code joinAt[i]} (or later, when the batch is
     * full), until every row is done.
     */
    private List<ContinuousBatcher.Row> run(ContinuousBatcher b, List<Prompt> prompts, List<GenerationConfig> cfgs,
            int[] joinAt) {
        List<ContinuousBatcher.Row> rows = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            rows.add(null);
        }
        int step = 0;
        boolean pending = true;
        while (pending || b.activeRows() > 0) {
            pending = false;
            for (int i = 0; i < prompts.size(); i++) {
                if (rows.get(i) == null && joinAt[i] <= step && b.hasRoom()) {
                    rows.set(i, b.admit(prompts.get(i), cfgs.get(i), TokenListener.none()));
                } else if (rows.get(i) == null) {
                    pending = true;
                }
            }
            b.step();
            step++;
        }
        return rows;
    }

    @Test
    void rowsJoiningAndLeavingAtDifferentStepsGetTheirSerialTokens() {
        List<Prompt> prompts = List.of(text(6, 0), withImage(1), text(11, 2), text(3, 3), withImage(4));
        List<GenerationConfig> cfgs = List.of(greedy(12), greedy(5), greedy(9), greedy(14), greedy(7));
        try (ContinuousBatcher b = new ContinuousBatcher(model, 3)) {
            List<ContinuousBatcher.Row> rows = run(b, prompts, cfgs, new int[] {0, 0, 2, 4, 9});
            for (int i = 0; i < prompts.size(); i++) {
                GenerationResult alone = serial.generate(prompts.get(i), cfgs.get(i), TokenListener.none());
                GenerationResult batched = rows.get(i).result();
                assertThat(batched.tokens()).as("row %d", i).containsExactly(alone.tokens());
                assertThat(batched.finishReason()).isEqualTo(alone.finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
                assertThat(batched.promptLength()).isEqualTo(alone.promptLength());
            }
        }
    }

    @Test
    void eachRowKeepsItsOwnSamplingSettingsAndStopTokens() {
        GenerationConfig hot = GenerationConfig.builder().maxNewTokens(10).ignoreEos(true).temperature(1.2).topP(0.9)
                .seed(7).build();
        GenerationConfig other = GenerationConfig.builder().maxNewTokens(10).ignoreEos(true).temperature(0.8)
                .topK(5).seed(99).repetitionPenalty(1.3).build();
        int[] greedyTokens = serial.generate(text(5, 1), greedy(10), TokenListener.none()).tokens();
        GenerationConfig stopping = greedy(10).toBuilder().stopTokens(Set.of(greedyTokens[3])).build();
        List<Prompt> prompts = List.of(text(5, 1), text(8, 4), text(5, 1));
        List<GenerationConfig> cfgs = List.of(hot, other, stopping);
        try (ContinuousBatcher b = new ContinuousBatcher(model, 4)) {
            List<ContinuousBatcher.Row> rows = run(b, prompts, cfgs, new int[] {0, 1, 1});
            for (int i = 0; i < prompts.size(); i++) {
                GenerationResult alone = serial.generate(prompts.get(i), cfgs.get(i), TokenListener.none());
                assertThat(rows.get(i).result().tokens()).as("row %d", i).containsExactly(alone.tokens());
                assertThat(rows.get(i).result().finishReason()).isEqualTo(alone.finishReason());
            }
            assertThat(rows.get(2).result().finishReason()).isEqualTo(FinishReason.STOP_TOKEN);
            assertThat(rows.get(2).result().tokens()).hasSizeLessThanOrEqualTo(4);
        }
    }

    @Test
    void keptHiddenStatesEqualTheSerialOnesIncludingATrailingKeptToken() {
        int[] alone = serial.generate(text(7, 2), greedy(6), TokenListener.none()).tokens();
        // keep the hidden states of the 3rd and of the last token the row will generate
        GenerationConfig keep = greedy(6).toBuilder()
                .keepHiddenStatesOf(new java.util.HashSet<>(List.of(alone[2], alone[5]))).build();
        GenerationResult s = serial.generate(text(7, 2), keep, TokenListener.none());
        try (ContinuousBatcher b = new ContinuousBatcher(model, 2)) {
            List<ContinuousBatcher.Row> rows = run(b, List.of(text(4, 5), text(7, 2)), List.of(greedy(9), keep),
                    new int[] {0, 1});
            GenerationResult r = rows.get(1).result();
            assertThat(r.hiddenStates()).containsOnlyKeys(s.hiddenStates().keySet());
            for (Integer k : s.hiddenStates().keySet()) {
                float[] want = s.hiddenStates().get(k);
                float[] got = r.hiddenStates().get(k);
                for (int j = 0; j < want.length; j++) {
                    assertThat(got[j]).as("token %d, dim %d", k, j).isCloseTo(want[j],
                            org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
    }

    @Test
    void aCancelledRowStopsAtTheNextStepAndItsPlaceIsReused() {
        try (ContinuousBatcher b = new ContinuousBatcher(model, 2)) {
            ContinuousBatcher.Row first = b.admit(text(5, 0), greedy(30), TokenListener.none());
            ContinuousBatcher.Row second = b.admit(text(6, 1), greedy(30), TokenListener.none());
            assertThat(b.hasRoom()).isFalse();
            assertThatThrownBy(() -> b.admit(text(4, 2), greedy(3), TokenListener.none()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("full");
            b.step();
            b.step();
            first.cancel();
            b.step();
            assertThat(first.done()).isTrue();
            assertThat(first.result().finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(first.result().tokens()).hasSize(3);
            assertThat(b.activeRows()).isEqualTo(1);
            ContinuousBatcher.Row third = b.admit(text(4, 2), greedy(4), TokenListener.none());
            while (!third.done()) {
                b.step();
            }
            assertThat(third.result().tokens()).containsExactly(
                    serial.generate(text(4, 2), greedy(4), TokenListener.none()).tokens());
            second.cancel();
            b.step();
            assertThat(b.activeRows()).isZero();
        }
    }

    @Test
    void aListenerReturningFalseCancelsItsRowOnly() {
        try (ContinuousBatcher b = new ContinuousBatcher(model, 2)) {
            int[] seen = new int[1];
            ContinuousBatcher.Row stopper = b.admit(text(5, 0), greedy(20), (row, token) -> ++seen[0] < 4);
            ContinuousBatcher.Row other = b.admit(text(5, 3), greedy(8), TokenListener.none());
            while (b.activeRows() > 0) {
                b.step();
            }
            assertThat(stopper.result().finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(stopper.result().tokens()).hasSize(4);
            assertThat(other.result().tokens()).containsExactly(
                    serial.generate(text(5, 3), greedy(8), TokenListener.none()).tokens());
        }
    }

    @Test
    void aBadPromptIsRefusedWithoutDisturbingTheBatch() {
        try (ContinuousBatcher b = new ContinuousBatcher(model, 3)) {
            ContinuousBatcher.Row good = b.admit(text(5, 0), greedy(6), TokenListener.none());
            assertThatThrownBy(() -> b.admit(Prompt.text(1, 999), greedy(3), TokenListener.none()))
                    .isInstanceOf(PromptException.class).hasMessageContaining("token id 999");
            assertThatThrownBy(() -> b.admit(new Prompt(new int[] {1, IMAGE_TOKEN}, List.of()), greedy(3),
                    TokenListener.none())).isInstanceOf(PromptException.class).hasMessageContaining("0 image(s)");
            assertThatThrownBy(() -> b.admit(text(70, 0), greedy(3), TokenListener.none()))
                    .isInstanceOf(ContextLengthException.class);
            assertThat(b.activeRows()).isEqualTo(1);
            while (!good.done()) {
                b.step();
            }
            assertThat(good.result().tokens()).containsExactly(
                    serial.generate(text(5, 0), greedy(6), TokenListener.none()).tokens());
        }
    }

    @Test
    void nativeMemoryDoesNotGrowOverManyJoinsAndLeaves() {
        ai.djl.ndarray.BaseNDManager manager = (ai.djl.ndarray.BaseNDManager) model.manager();
        List<Prompt> prompts = List.of(text(6, 0), withImage(1), text(9, 2), text(4, 3));
        List<GenerationConfig> cfgs = List.of(greedy(5), greedy(3), greedy(7), greedy(2));
        int[] joins = {0, 1, 3, 4};
        try (ContinuousBatcher b = new ContinuousBatcher(model, 2)) {
            run(b, prompts, cfgs, joins); // warm-up: programs and caches made once
            int before = manager.getManagedArrays().size();
            for (int round = 0; round < 5; round++) {
                run(b, prompts, cfgs, joins);
                ContinuousBatcher.Row cancelled = b.admit(text(5, round), greedy(20), TokenListener.none());
                b.step();
                cancelled.cancel();
                b.step();
            }
            assertThat(b.activeRows()).isZero();
            assertThat(manager.getManagedArrays().size()).as("arrays alive after 5 rounds").isEqualTo(before);
        }
    }

    @Test
    void aRowNeverOutgrowsTheContext() {
        GenerationConfig unbounded = GenerationConfig.builder().maxNewTokens(1000).ignoreEos(true).build();
        try (ContinuousBatcher b = new ContinuousBatcher(model, 2)) {
            List<ContinuousBatcher.Row> rows = run(b, List.of(text(50, 0), text(20, 1)),
                    List.of(unbounded, greedy(5)), new int[] {0, 3});
            GenerationResult alone = serial.generate(text(50, 0), unbounded, TokenListener.none());
            assertThat(rows.get(0).result().finishReason()).isEqualTo(FinishReason.CONTEXT_FULL)
                    .isEqualTo(alone.finishReason());
            assertThat(rows.get(0).result().tokens()).containsExactly(alone.tokens());
        }
    }
}
