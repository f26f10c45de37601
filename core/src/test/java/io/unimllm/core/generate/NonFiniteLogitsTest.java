package io.unimllm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.core.Fixtures;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.LoadOptions;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose logits are not finite never answers with made-up tokens: a checkpoint with a NaN lm_head used to
 * answer {@code maxNewTokens} ids of 0 ({@code <pad>}, argmax over NaN), silently. Now the row ends with
 * {@link FinishReason#NON_FINITE} and no token, for greedy decoding and for sampling, and in a batch only the rows
 * whose logits are not finite end so. On copies of the tiny-llava fixture with NaN weights.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NonFiniteLogitsTest {
    private static final LoadOptions CPU = LoadOptions.builder().device(Device.cpu()).build();

    @TempDir
    Path tmp;

    private JsonNode reference;
    private float[] pixels;

    @BeforeAll
    void readReference() throws IOException {
        Path golden = Fixtures.golden("tiny-llava");
        reference = new ObjectMapper().readTree(golden.resolve("reference.json").toFile());
        try (SafetensorsCheckpoint ref = SafetensorsCheckpoint.open(golden.resolve("reference.safetensors"))) {
            pixels = new float[3 * 16 * 16];
            ref.data("pixel_values").asFloatBuffer().get(pixels);
        }
    }

    private static int[] ints(JsonNode node) {
        return IntStream.range(0, node.size()).map(i -> node.get(i).asInt()).toArray();
    }

    private Prompt textPrompt() {
        return Prompt.text(ints(reference.get("text_prompts").get(0).get("ids")));
    }

    private Prompt imagePrompt() {
        return new Prompt(ints(reference.get("image_prompt").get("ids")), List.of(pixels));
    }

    private static GenerationConfig greedy() {
        return GenerationConfig.builder().maxNewTokens(8).ignoreEos(true).build();
    }

    @Test
    void aNanLmHeadEndsEveryRowWithoutATokenInsteadOfAnsweringPads() {
        Path dir = Fixtures.copy("tiny-llava", tmp.resolve("nan-head"));
        Fixtures.fillWeight(dir, "language_model.lm_head.weight", Float.NaN);
        List<GenerationConfig> configs = List.of(greedy(),
                GenerationConfig.builder().maxNewTokens(8).ignoreEos(true).temperature(0.8).seed(3).build(),
                GenerationConfig.builder().maxNewTokens(8).ignoreEos(true).repetitionPenalty(1.3).build());
        try (LlavaModel model = LlavaModel.load(dir, CPU)) {
            Generator generator = new Generator(model);
            for (GenerationConfig cfg : configs) {
                List<Integer> heard = new ArrayList<>();
                List<GenerationResult> results = generator.generate(List.of(textPrompt(), imagePrompt()), cfg,
                        (row, token) -> heard.add(token));
                for (GenerationResult r : results) {
                    assertThat(r.finishReason()).as("greedy %s", cfg.isGreedy()).isEqualTo(FinishReason.NON_FINITE);
                    assertThat(r.tokens()).isEmpty();
                }
                assertThat(heard).as("no token reaches the listener").isEmpty();
            }
        }
    }

    @Test
    void inABatchOnlyTheRowWithNonFiniteLogitsEndsAndTheOthersAnswerAsAlone() {
        // a NaN projector makes every image prompt's hidden states NaN; a text prompt never reads the projector
        Path dir = Fixtures.copy("tiny-llava", tmp.resolve("nan-projector"));
        Fixtures.fillWeight(dir, "multi_modal_projector.linear_2.bias", Float.NaN);
        int[] textGreedy = ints(reference.get("text_prompts").get(0).get("greedy"));
        try (LlavaModel model = LlavaModel.load(dir, CPU)) {
            Generator generator = new Generator(model);
            List<GenerationResult> batch = generator.generate(List.of(imagePrompt(), textPrompt()), greedy(),
                    TokenListener.none());
            assertThat(batch.get(0).finishReason()).isEqualTo(FinishReason.NON_FINITE);
            assertThat(batch.get(0).tokens()).isEmpty();
            assertThat(batch.get(1).finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
            assertThat(batch.get(1).tokens()).as("the reference greedy answer of the text prompt")
                    .containsExactly(textGreedy);
        }
    }
}
