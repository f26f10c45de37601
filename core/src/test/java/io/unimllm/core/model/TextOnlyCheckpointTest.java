package io.unimllm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.Fixtures;
import io.unimllm.core.PromptException;
import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.core.generate.Generator;
import io.unimllm.core.generate.Prompt;
import io.unimllm.core.generate.TokenListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain Llama checkpoint (top-level config, {@code model.*} / {@code lm_head.weight} names, no vision tower), made
 * from tiny-llava's decoder: it loads, continues text exactly as the LLaVA decoder does, and refuses images.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TextOnlyCheckpointTest {
    private LlavaModel model;
    private JsonNode reference;

    @BeforeAll
    void makeAndLoad(@TempDir Path tmp) throws IOException {
        Path source = Fixtures.golden("tiny-llava");
        Fixtures.renameWeights(source.resolve("model.safetensors"), tmp.resolve("model.safetensors"), name ->
                name.startsWith("language_model.") ? name.substring("language_model.".length()) : null);
        ObjectMapper json = new ObjectMapper();
        ObjectNode text = (ObjectNode) json.readTree(source.resolve("config.json").toFile()).get("text_config");
        text.put("architectures", "LlamaForCausalLM");
        json.writeValue(tmp.resolve("config.json").toFile(), text);
        model = LlavaModel.load(tmp, LoadOptions.builder().device(Device.cpu()).build());
        reference = json.readTree(source.resolve("reference.json").toFile());
    }

    @AfterAll
    void close() {
        model.close();
    }

    private static int[] ints(JsonNode node) {
        return IntStream.range(0, node.size()).map(i -> node.get(i).asInt()).toArray();
    }

    @Test
    void loadsWithoutVisionTower() {
        assertThat(model.hasVision()).isFalse();
        assertThat(model.parameters()).containsKeys("model.embed_tokens.weight", "lm_head.weight")
                .noneSatisfy((name, array) -> assertThat(name).contains("vision"));
    }

    @Test
    void continuesTextExactlyAsTheLlavaDecoder() {
        Generator gen = new Generator(model);
        for (JsonNode p : reference.get("text_prompts")) {
            int[] expected = ints(p.get("greedy"));
            int[] got = gen.generate(Prompt.text(ints(p.get("ids"))), GenerationConfig.builder()
                    .maxNewTokens(expected.length).ignoreEos(true).build(), TokenListener.none()).tokens();
            assertThat(got).containsExactly(expected);
        }
    }

    @Test
    void imagesAreRefusedWithAClearMessage() {
        Generator gen = new Generator(model);
        assertThatThrownBy(() -> gen.generate(new Prompt(new int[] {1, 5}, List.of(new float[768])),
                GenerationConfig.greedy(2), TokenListener.none())).isInstanceOf(PromptException.class)
                .hasMessageContaining("no vision tower");
    }
}
