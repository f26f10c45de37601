package io.unimllm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.core.PromptException;
import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.core.Fixtures;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.LoadOptions;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * How {@link Generator} treats bad prompts (typed exceptions that say which prompt and what), and how generation
 * ends: at the context's end, on cancellation by the listener, on stop tokens; and that sampling is repeatable by
 * seed. Runs on the tiny-llava fixture (vocabulary 160, image token 150, 16 image positions, context 64).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratorBehaviourTest {
    private static final int IMAGE_TOKEN = 150;
    private static final int CONTEXT = 64;

    private LlavaModel model;
    private Generator generator;
    private float[] pixels;
    private JsonNode reference;

    @BeforeAll
    void load() throws IOException {
        model = LlavaModel.load(Fixtures.golden("tiny-llava"), LoadOptions.builder().device(Device.cpu()).build());
        generator = new Generator(model);
        try (SafetensorsCheckpoint ref = SafetensorsCheckpoint.open(
                Fixtures.golden("tiny-llava").resolve("reference.safetensors"))) {
            pixels = new float[3 * 16 * 16];
            ref.data("pixel_values").asFloatBuffer().get(pixels); // the first of the two images
        }
        reference = new ObjectMapper().readTree(Fixtures.golden("tiny-llava").resolve("reference.json").toFile());
    }

    @AfterAll
    void close() {
        model.close();
    }

    private static int[] ints(JsonNode node) {
        return IntStream.range(0, node.size()).map(i -> node.get(i).asInt()).toArray();
    }

    private Prompt imagePrompt() {
        return new Prompt(ints(reference.get("image_prompt").get("ids")), List.of(pixels));
    }

    private int[] imageGreedy() {
        return ints(reference.get("image_prompt").get("greedy"));
    }

    private static GenerationConfig greedy(int maxNewTokens) {
        return GenerationConfig.builder().maxNewTokens(maxNewTokens).ignoreEos(true).build();
    }

    private GenerationResult generate(Prompt p, GenerationConfig cfg) {
        return generator.generate(p, cfg, TokenListener.none());
    }

    /** Text prompt of {@code n} tokens: BOS then ordinary ids (never the image token). */
    private static Prompt textOfLength(int n) {
        int[] ids = new int[n];
        ids[0] = 1;
        for (int i = 1; i < n; i++) {
            ids[i] = 3 + (i * 7) % 140;
        }
        return Prompt.text(ids);
    }

    @Nested
    class BadPrompts {
        @Test
        void tokenIdOutsideTheVocabularyIsNamedWithItsIndex() {
            assertThatThrownBy(() -> generate(Prompt.text(1, 5, 160), greedy(2)))
                    .isInstanceOf(PromptException.class)
                    .hasMessageContaining("token id 160 at index 2").hasMessageContaining("vocabulary of 160");
            assertThatThrownBy(() -> generate(Prompt.text(1, -3), greedy(2))).isInstanceOf(PromptException.class)
                    .hasMessageContaining("token id -3 at index 1");
        }

        @Test
        void theFaultyPromptOfABatchIsNamed() {
            List<Prompt> batch = List.of(Prompt.text(1, 5), Prompt.text(1, 999));
            assertThatThrownBy(() -> generator.generate(batch, greedy(2), TokenListener.none()))
                    .isInstanceOf(PromptException.class).hasMessageContaining("prompt 1 has token id 999");
        }

        @Test
        void emptyPromptIsRefused() {
            assertThatThrownBy(() -> generate(Prompt.text(), greedy(2))).isInstanceOf(PromptException.class)
                    .hasMessageContaining("prompt 0 is empty");
        }

        @Test
        void imageTokenWithoutAnImageIsRefused() {
            assertThatThrownBy(() -> generate(Prompt.text(1, IMAGE_TOKEN, 5), greedy(2)))
                    .isInstanceOf(PromptException.class)
                    .hasMessageContaining("marks 1 image(s)").hasMessageContaining("0 image(s) were given");
        }

        @Test
        void imageWithoutAnImageTokenIsRefused() {
            assertThatThrownBy(() -> generate(new Prompt(new int[] {1, 5, 6}, List.of(pixels)), greedy(2)))
                    .isInstanceOf(PromptException.class)
                    .hasMessageContaining("marks 0 image(s)").hasMessageContaining("1 image(s) were given");
        }

        @Test
        void runOfImageTokensThatIsNeitherOneNorAMultipleOfTheImageLengthIsRefused() {
            int[] ids = {1, IMAGE_TOKEN, IMAGE_TOKEN, IMAGE_TOKEN, 5};
            assertThatThrownBy(() -> generate(new Prompt(ids, List.of(pixels)), greedy(2)))
                    .isInstanceOf(PromptException.class).hasMessageContaining("run of 3 image tokens at index 1");
        }

        @Test
        void wrongNumberOfPixelValuesIsRefused() {
            assertThatThrownBy(() -> generate(new Prompt(new int[] {1, IMAGE_TOKEN}, List.of(new float[100])),
                    greedy(2))).isInstanceOf(PromptException.class)
                    .hasMessageContaining("100 pixel values").hasMessageContaining("3x16x16 = 768");
        }

        @Test
        void nonFinitePixelIsRefused() {
            float[] bad = pixels.clone();
            bad[10] = Float.NaN;
            assertThatThrownBy(() -> generate(new Prompt(new int[] {1, IMAGE_TOKEN}, List.of(bad)), greedy(2)))
                    .isInstanceOf(PromptException.class).hasMessageContaining("non-finite")
                    .hasMessageContaining("index 10");
        }

        @Test
        void textPromptLongerThanTheContextIsAContextLengthError() {
            assertThatThrownBy(() -> generate(textOfLength(CONTEXT + 1), greedy(2)))
                    .isInstanceOf(ContextLengthException.class)
                    .hasMessageContaining("takes 65 positions").hasMessageContaining("context is 64 positions");
            assertThatThrownBy(() -> generator.promptLogits(textOfLength(CONTEXT + 1)))
                    .isInstanceOf(ContextLengthException.class);
        }

        @Test
        void imageFeaturesCountTowardsTheContext() {
            // 50 tokens would fit, but the image token among them expands to 16 positions: 49 + 16 = 65
            int[] ids = textOfLength(50).tokenIds();
            ids[1] = IMAGE_TOKEN;
            assertThatThrownBy(() -> generate(new Prompt(ids, List.of(pixels)), greedy(2)))
                    .isInstanceOf(ContextLengthException.class).hasMessageContaining("takes 65 positions")
                    .hasMessageContaining("image features included");
        }

        @Test
        void anImageMarkedByOneTokenOrByOneTokenPerFeaturePositionGivesTheSameLogits() {
            int[] legacy = imagePrompt().tokenIds();
            int at = Arrays.stream(legacy).boxed().toList().indexOf(IMAGE_TOKEN);
            int[] expanded = new int[legacy.length + 15];
            System.arraycopy(legacy, 0, expanded, 0, at);
            Arrays.fill(expanded, at, at + 16, IMAGE_TOKEN);
            System.arraycopy(legacy, at + 1, expanded, at + 16, legacy.length - at - 1);
            float[] a = generator.promptLogits(imagePrompt());
            float[] b = generator.promptLogits(new Prompt(expanded, List.of(pixels)));
            assertThat(b).hasSize((legacy.length + 15) * 160).containsExactly(a);
        }

        @Test
        void twoImagesInOnePromptEachTakeTheirFeaturePositions() {
            int[] ids = {1, IMAGE_TOKEN, 20, IMAGE_TOKEN, 30};
            GenerationResult r = generate(new Prompt(ids, List.of(pixels, pixels)), greedy(1));
            assertThat(r.promptLength()).isEqualTo(3 + 2 * 16);
        }

        @Test
        void aRefusedPromptLeavesTheGeneratorUsable() {
            assertThatThrownBy(() -> generate(Prompt.text(1, 500), greedy(2))).isInstanceOf(PromptException.class);
            int[] expected = imageGreedy();
            assertThat(generate(imagePrompt(), greedy(expected.length)).tokens()).containsExactly(expected);
        }
    }

    @Nested
    class HowGenerationEnds {
        @Test
        void reachingTheEndOfTheContextFinishesWithContextFull() {
            GenerationResult r = generate(textOfLength(60), greedy(20));
            assertThat(r.finishReason()).isEqualTo(FinishReason.CONTEXT_FULL);
            assertThat(r.promptLength()).isEqualTo(60);
            // positions 60..63 are filled by fed tokens; the token predicted at position 63 is the last one
            assertThat(r.tokens()).hasSize(CONTEXT - 60 + 1);
        }

        @Test
        void contextEndGivesTheSameTokensWithAndWithoutTheCache() {
            GenerationResult cached = generate(textOfLength(60), greedy(20));
            GenerationResult recomputed = generate(textOfLength(60),
                    GenerationConfig.builder().maxNewTokens(20).ignoreEos(true).useCache(false).build());
            assertThat(recomputed.finishReason()).isEqualTo(FinishReason.CONTEXT_FULL);
            assertThat(recomputed.tokens()).containsExactly(cached.tokens());
        }

        @Test
        void aLongBatchMateDoesNotCutAShortPromptShort() {
            // left padding puts both rows at cache length 60, but the short row has used only 10 of its 64 positions
            Prompt longPrompt = textOfLength(60);
            Prompt shortPrompt = Prompt.text(ints(reference.get("text_prompts").get(0).get("ids")));
            GenerationResult alone = generate(shortPrompt, greedy(20));
            List<GenerationResult> batch = generator.generate(List.of(longPrompt, shortPrompt), greedy(20),
                    TokenListener.none());
            assertThat(batch.get(0).finishReason()).isEqualTo(FinishReason.CONTEXT_FULL);
            assertThat(batch.get(0).tokens()).containsExactly(generate(longPrompt, greedy(20)).tokens());
            assertThat(batch.get(1).finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
            assertThat(batch.get(1).tokens()).containsExactly(alone.tokens());
            List<GenerationResult> recomputed = generator.generate(List.of(longPrompt, shortPrompt),
                    GenerationConfig.builder().maxNewTokens(20).ignoreEos(true).useCache(false).build(),
                    TokenListener.none());
            assertThat(recomputed.get(0).tokens()).containsExactly(batch.get(0).tokens());
            assertThat(recomputed.get(1).tokens()).containsExactly(alone.tokens());
        }

        @Test
        void promptFillingTheWholeContextStillGivesOneTokenAndDoesNotThrow() {
            GenerationResult r = generate(textOfLength(CONTEXT), greedy(10));
            assertThat(r.finishReason()).isEqualTo(FinishReason.CONTEXT_FULL);
            assertThat(r.tokens()).hasSize(1);
        }

        @Test
        void unboundedMaxNewTokensRunsToTheContextEnd() {
            // "generate until the context is full": must not try to reserve room for 2^31 tokens
            GenerationResult r = generate(textOfLength(60),
                    GenerationConfig.builder().maxNewTokens(Integer.MAX_VALUE).ignoreEos(true).build());
            assertThat(r.finishReason()).isEqualTo(FinishReason.CONTEXT_FULL);
            assertThat(r.tokens()).containsExactly(generate(textOfLength(60), greedy(20)).tokens());
        }

        @Test
        void rowThatStopsEarlyDoesNotDisturbTheOthersInTheBatch() {
            JsonNode texts = reference.get("text_prompts");
            List<Prompt> batch = new ArrayList<>();
            texts.forEach(t -> batch.add(Prompt.text(ints(t.get("ids")))));
            batch.add(imagePrompt());
            List<GenerationResult> r = generator.generate(batch, GenerationConfig.greedy(8), TokenListener.none());
            assertThat(r.get(1).finishReason()).isEqualTo(FinishReason.STOP_TOKEN); // greedy starts with EOS
            assertThat(r.get(1).tokens()).containsExactly(2);
            for (int b : new int[] {0, 2}) {
                assertThat(r.get(b).finishReason()).as("row %d", b).isEqualTo(FinishReason.MAX_TOKENS);
                assertThat(r.get(b).tokens()).as("row %d", b).containsExactly(ints(texts.get(b).get("greedy")));
            }
            assertThat(r.get(3).tokens()).containsExactly(Arrays.copyOf(imageGreedy(), 8));
        }

        @Test
        void maxNewTokensEndsWithMaxTokens() {
            GenerationResult r = generate(imagePrompt(), greedy(3));
            assertThat(r.finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
            assertThat(r.tokens()).containsExactly(Arrays.copyOf(imageGreedy(), 3));
        }

        @Test
        void listenerReturningFalseCancelsAfterThatToken() {
            List<Integer> streamed = new ArrayList<>();
            GenerationResult r = generator.generate(imagePrompt(), greedy(10), (row, token) -> {
                streamed.add(token);
                return streamed.size() < 3;
            });
            assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(r.tokens()).containsExactly(Arrays.copyOf(imageGreedy(), 3));
            assertThat(streamed).containsExactly(Arrays.stream(Arrays.copyOf(imageGreedy(), 3)).boxed()
                    .toArray(Integer[]::new));
        }

        @Test
        void cancellingOneRowOfABatchLetsTheOthersFinish() {
            List<Prompt> batch = List.of(imagePrompt(), imagePrompt());
            List<GenerationResult> r = generator.generate(batch, greedy(6), (row, token) -> row != 1);
            assertThat(r.get(1).finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(r.get(1).tokens()).containsExactly(imageGreedy()[0]);
            assertThat(r.get(0).finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
            assertThat(r.get(0).tokens()).containsExactly(Arrays.copyOf(imageGreedy(), 6));
        }

        @Test
        void configuredStopTokenEndsGenerationAndIsTheLastToken() {
            int[] greedy = imageGreedy(); // 137, 143, ...
            GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(10).stopTokens(Set.of(greedy[1])).build();
            GenerationResult r = generate(imagePrompt(), cfg);
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP_TOKEN);
            assertThat(r.tokens()).containsExactly(greedy[0], greedy[1]);
        }

        @Test
        void modelEosStopsUnlessIgnored() {
            JsonNode text1 = reference.get("text_prompts").get(1); // its greedy continuation starts with EOS (2)
            Prompt p = Prompt.text(ints(text1.get("ids")));
            int[] greedy = ints(text1.get("greedy"));
            assertThat(greedy[0]).isEqualTo(2);
            GenerationResult stopped = generate(p, GenerationConfig.greedy(8));
            assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP_TOKEN);
            assertThat(stopped.tokens()).containsExactly(2);
            GenerationResult ignored = generate(p, greedy(8));
            assertThat(ignored.finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
            assertThat(ignored.tokens()).containsExactly(greedy);
        }
    }

    @Nested
    class Sampling {
        private GenerationConfig sampling(long seed) {
            return GenerationConfig.builder().maxNewTokens(16).ignoreEos(true).temperature(0.8).topP(0.9).seed(seed)
                    .build();
        }

        @Test
        void sameSeedGivesTheSameTokens() {
            int[] first = generate(imagePrompt(), sampling(7)).tokens();
            int[] second = generate(imagePrompt(), sampling(7)).tokens();
            assertThat(first).hasSize(16).containsExactly(second);
            assertThat(Arrays.stream(first).allMatch(t -> t >= 0 && t < 160)).as("ids inside the vocabulary").isTrue();
        }

        @Test
        void differentSeedsGiveDifferentSequences() {
            Set<List<Integer>> sequences = new HashSet<>();
            for (long seed : new long[] {1, 2, 3}) {
                sequences.add(Arrays.stream(generate(imagePrompt(), sampling(seed)).tokens()).boxed().toList());
            }
            assertThat(sequences).hasSize(3);
        }

        @Test
        void samplingIsNotSecretlyGreedy() {
            int[] sampled = generate(imagePrompt(), sampling(1)).tokens();
            assertThat(sampled).isNotEqualTo(Arrays.copyOf(imageGreedy(), 16));
        }
    }
}
