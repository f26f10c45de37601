package io.unimllm.core.golden;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.unimllm.core.generate.FinishReason;
import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.core.generate.GenerationResult;
import io.unimllm.core.generate.Generator;
import io.unimllm.core.generate.Prompt;
import io.unimllm.core.model.LlavaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java model against an independent PyTorch implementation on tiny random weights: numerics of every part within
 * 1e-4 and identical greedy tokens with the KV cache, without it, and in a batch of mixed-length prompts.
 *
 * <p>tiny-llava: fp32, GQA, untied lm_head, llava-1.5 weight names, class token dropped. tiny-llava-tied: bf16 in three
 * shards, multi-head attention, tied embeddings, newer weight names, class token kept. tiny-llava-qwen2: a Qwen2
 * decoder (biases on q/k/v, none on o_proj, rope_theta 1e6), fp32, GQA, untied lm_head; tiny-llava-qwen2-tied: the same
 * decoder with tied embeddings and multi-head attention.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldenModelTest {
    private static final float TOLERANCE = 1e-4f;
    private final java.util.Map<String, LlavaModel> models = new java.util.HashMap<>();

    @BeforeAll
    void load() {
        for (String name : Golden.MODELS) {
            models.put(name, LlavaModel.load(Golden.dir(name)));
        }
    }

    @AfterAll
    void close() {
        models.values().forEach(LlavaModel::close);
    }

    private float[] run(LlavaModel model, java.util.function.Function<NDArray, NDArray> f, float[] pixels) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray px = m.create(pixels, new Shape(2, 3, 16, 16));
            return f.apply(px).toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llava", "tiny-llava-tied",
            "tiny-llava-qwen2", "tiny-llava-qwen2-tied"})
    void visionFeaturesAndProjectorMatchPyTorch(String name) {
        Golden g = Golden.load(name);
        LlavaModel model = models.get(name);
        float[] pixels = g.array("pixel_values");
        assertThat(Golden.maxAbsDiff(run(model, model::visionFeatures, pixels), g.array("vision_features")))
                .isLessThan(TOLERANCE);
        assertThat(Golden.maxAbsDiff(run(model, model::encodeImages, pixels), g.array("image_features")))
                .isLessThan(TOLERANCE);
    }

    private static Prompt imagePrompt(Golden g) {
        float[] pixels = g.array("pixel_values");
        float[] first = Arrays.copyOf(pixels, 3 * 16 * 16);
        return new Prompt(Golden.ints(g.json().get("image_prompt").get("ids")), List.of(first));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llava", "tiny-llava-tied",
            "tiny-llava-qwen2", "tiny-llava-qwen2-tied"})
    void prefillLogitsMatchPyTorch(String name) {
        Golden g = Golden.load(name);
        Generator gen = new Generator(models.get(name));
        float[] logits = gen.promptLogits(imagePrompt(g));
        assertThat(logits).hasSameSizeAs(g.array("prefill_logits"));
        assertThat(Golden.maxAbsDiff(logits, g.array("prefill_logits"))).isLessThan(TOLERANCE);
        JsonNode texts = g.json().get("text_prompts");
        for (int i = 0; i < texts.size(); i++) {
            float[] all = gen.promptLogits(Prompt.text(Golden.ints(texts.get(i).get("ids"))));
            int vocab = models.get(name).config().text().vocabSize();
            float[] last = Arrays.copyOfRange(all, all.length - vocab, all.length);
            assertThat(Golden.maxAbsDiff(last, g.array("text_last_logits_" + i))).as("text prompt %d", i)
                    .isLessThan(TOLERANCE);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void greedyContinuationIsIdenticalWithAndWithoutCache(boolean useCache) {
        for (String name : Golden.MODELS) {
            Golden g = Golden.load(name);
            Generator gen = new Generator(models.get(name));
            int[] expected = Golden.ints(g.json().get("image_prompt").get("greedy"));
            GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(expected.length).useCache(useCache)
                    .ignoreEos(true).build();
            GenerationResult r = gen.generate(imagePrompt(g), cfg, (row, t) -> true);
            assertThat(r.tokens()).as(name).containsExactly(expected);
            assertThat(r.finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llava", "tiny-llava-tied",
            "tiny-llava-qwen2", "tiny-llava-qwen2-tied"})
    void batchOfMixedLengthPromptsGivesEachPromptsOwnContinuation(String name) {
        Golden g = Golden.load(name);
        Generator gen = new Generator(models.get(name));
        List<Prompt> prompts = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        JsonNode texts = g.json().get("text_prompts");
        prompts.add(Prompt.text(Golden.ints(texts.get(0).get("ids"))));
        expected.add(Golden.ints(texts.get(0).get("greedy")));
        prompts.add(imagePrompt(g));
        expected.add(Arrays.copyOf(Golden.ints(g.json().get("image_prompt").get("greedy")), 8));
        for (int i = 1; i < texts.size(); i++) {
            prompts.add(Prompt.text(Golden.ints(texts.get(i).get("ids"))));
            expected.add(Golden.ints(texts.get(i).get("greedy")));
        }
        List<GenerationResult> results = gen.generate(prompts,
                GenerationConfig.builder().maxNewTokens(8).ignoreEos(true).build(), (row, t) -> true);
        for (int b = 0; b < prompts.size(); b++) {
            assertThat(results.get(b).tokens()).as("%s row %d", name, b).containsExactly(expected.get(b));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llava", "tiny-llava-tied",
            "tiny-llava-qwen2", "tiny-llava-qwen2-tied"})
    void keptTokenExposesItsLastLayerHiddenState(String name) {
        Golden g = Golden.load(name);
        Generator gen = new Generator(models.get(name));
        int first = g.json().get("image_prompt").get("greedy").get(0).asInt();
        GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(1).keepHiddenStatesOf(Set.of(first)).build();
        GenerationResult r = gen.generate(imagePrompt(g), cfg, (row, t) -> true);
        assertThat(r.tokens()).containsExactly(first);
        assertThat(r.hiddenStates()).containsKey(0);
        assertThat(Golden.maxAbsDiff(r.hiddenStates().get(0), g.array("first_token_hidden")))
                .isLessThan(TOLERANCE);
    }
}
