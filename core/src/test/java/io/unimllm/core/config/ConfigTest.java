package io.unimllm.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.Fixtures;
import io.unimllm.protocol.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * config.json: the fixtures' values are read as Hugging Face means them, a plain Llama config is a text-only model,
 * and every unusable config is refused with a {@link ConfigException} that names the offending field and the file.
 */
class ConfigTest {
    @TempDir
    Path tmp;

    @Test
    void llava15StyleFixtureLoadsWithGqaUntiedHeadAndClassTokenDropped() {
        LlavaConfig c = LlavaConfig.load(Fixtures.golden("tiny-llava"));
        TextConfig t = c.text();
        assertThat(t.hiddenSize()).isEqualTo(32);
        assertThat(t.numAttentionHeads()).isEqualTo(4);
        assertThat(t.numKeyValueHeads()).isEqualTo(2);
        assertThat(t.headDim()).isEqualTo(8);
        assertThat(t.intermediateSize()).isEqualTo(64);
        assertThat(t.numHiddenLayers()).isEqualTo(2);
        assertThat(t.vocabSize()).isEqualTo(160);
        assertThat(t.maxPositionEmbeddings()).isEqualTo(64);
        assertThat(t.rmsNormEps()).isEqualTo(1e-5);
        assertThat(t.tieWordEmbeddings()).isFalse();
        assertThat(t.hiddenAct()).isEqualTo("silu");
        assertThat(t.bosTokenId()).isEqualTo(1);
        assertThat(t.eosTokenIds()).containsExactly(2);
        assertThat(t.padTokenId()).isEqualTo(0);
        assertThat(c.hasVision()).isTrue();
        assertThat(c.vision().imageSize()).isEqualTo(16);
        assertThat(c.vision().patchSize()).isEqualTo(4);
        assertThat(c.vision().numPatches()).isEqualTo(16);
        assertThat(c.vision().hiddenAct()).isEqualTo("quick_gelu");
        assertThat(c.imageTokenIndex()).isEqualTo(150);
        assertThat(c.visionFeatureLayer()).isEqualTo(-2);
        assertThat(c.visionFeatureSelectStrategy()).isEqualTo("default");
        assertThat(c.imageSeqLength()).isEqualTo(16);
        assertThat(c.projectorHiddenAct()).isEqualTo("gelu");
        assertThat(c.source()).isEqualTo(Fixtures.golden("tiny-llava").resolve("config.json"));
    }

    @Test
    void tiedFixtureLoadsWithMultiHeadAttentionTiedEmbeddingsAndClassTokenKept() {
        LlavaConfig c = LlavaConfig.load(Fixtures.golden("tiny-llava-tied"));
        assertThat(c.text().numKeyValueHeads()).isEqualTo(c.text().numAttentionHeads()).isEqualTo(4);
        assertThat(c.text().tieWordEmbeddings()).isTrue();
        assertThat(c.visionFeatureLayer()).isEqualTo(-1);
        assertThat(c.visionFeatureSelectStrategy()).isEqualTo("full");
        assertThat(c.imageSeqLength()).isEqualTo(17);
    }

    @Test
    void plainLlamaConfigWithTopLevelFieldsIsATextOnlyModel() throws IOException {
        Files.writeString(tmp.resolve("config.json"), """
                {"model_type": "llama", "hidden_size": 64, "num_attention_heads": 8, "num_key_value_heads": 2,
                 "num_hidden_layers": 3, "intermediate_size": 172, "vocab_size": 1000,
                 "max_position_embeddings": 512, "eos_token_id": [2, 7], "rope_theta": 500000.0,
                 "tie_word_embeddings": true}
                """);
        LlavaConfig c = LlavaConfig.load(tmp);
        assertThat(c.hasVision()).isFalse();
        assertThat(c.vision()).isNull();
        assertThat(c.imageSeqLength()).isZero();
        TextConfig t = c.text();
        assertThat(t.hiddenSize()).isEqualTo(64);
        assertThat(t.numKeyValueHeads()).isEqualTo(2);
        assertThat(t.headDim()).isEqualTo(8);
        assertThat(t.numHiddenLayers()).isEqualTo(3);
        assertThat(t.intermediateSize()).isEqualTo(172);
        assertThat(t.vocabSize()).isEqualTo(1000);
        assertThat(t.maxPositionEmbeddings()).isEqualTo(512);
        assertThat(t.eosTokenIds()).containsExactly(2, 7);
        assertThat(t.ropeTheta()).isEqualTo(500000.0);
        assertThat(t.tieWordEmbeddings()).isTrue();
        assertThat(t.hiddenAct()).as("LlamaConfig default").isEqualTo("silu");
        assertThat(t.rmsNormEps()).as("LlamaConfig default").isEqualTo(1e-6);
    }

    @Test
    void missingConfigFileIsRefused() {
        assertThatThrownBy(() -> LlavaConfig.load(tmp)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.getMessage()).contains("config.json not found").contains(tmp.toString());
            assertThat(e.file()).contains(tmp.resolve("config.json"));
        });
    }

    @Test
    void aModelPathThatIsAFileIsRefusedAsNoCheckpointDirectory() throws IOException {
        Path weights = Files.writeString(tmp.resolve("model.safetensors"), "not json at all");
        assertThatThrownBy(() -> LlavaConfig.load(weights)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.getMessage()).contains("is a file, expected a checkpoint directory")
                    .contains(weights.toString()).doesNotContain("JSON");
            assertThat(e.file()).contains(weights);
        });
        Path config = Files.copy(Fixtures.golden("tiny-llava").resolve("config.json"), tmp.resolve("config.json"));
        assertThat(LlavaConfig.load(config).source()).as("config.json itself is still accepted").isEqualTo(config);
        assertThatThrownBy(() -> LlavaConfig.load(tmp.resolve("nowhere"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void configThatIsNotJsonIsRefused() throws IOException {
        Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"llava\",");
        assertThatThrownBy(() -> LlavaConfig.load(tmp)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid JSON").hasMessageContaining(tmp.resolve("config.json").toString());
    }

    static Stream<Arguments> brokenConfigs() {
        return Stream.of(
                broken("model_type missing", root -> root.remove("model_type"), "model_type is missing"),
                broken("unsupported model_type", root -> root.put("model_type", "qwen2_vl"), "model_type",
                        "'qwen2_vl'"),
                broken("heads not a multiple of kv heads", text(t -> t.put("num_key_value_heads", 3)),
                        "text_config.num_attention_heads (4)", "text_config.num_key_value_heads (3)"),
                broken("hidden not divisible by heads", text(t -> t.put("hidden_size", 30)),
                        "text_config.hidden_size (30)", "not divisible by text_config.num_attention_heads (4)"),
                broken("string where an int is expected", text(t -> t.put("vocab_size", "160")),
                        "text_config.vocab_size must be an integer", "\"160\""),
                broken("unknown activation", text(t -> t.put("hidden_act", "swiglu_x")), "text_config.hidden_act",
                        "'swiglu_x'"),
                broken("scaled rope", text(t -> t.putObject("rope_scaling").put("type", "linear").put("factor", 2)),
                        "text_config.rope_scaling", "not supported"),
                broken("image_size not a multiple of patch_size", vision(v -> v.put("image_size", 18)),
                        "vision_config.image_size (18)", "vision_config.patch_size (4)"),
                broken("feature layer beyond the tower", root -> root.put("vision_feature_layer", 4),
                        "vision_feature_layer 4", "3 layers"),
                broken("feature layer before the embeddings", root -> root.put("vision_feature_layer", -5),
                        "vision_feature_layer -5"),
                broken("several feature layers (not supported)",
                        root -> root.putArray("vision_feature_layer").add(-2).add(-5),
                        "vision_feature_layer must be an integer"),
                broken("no decoder layers", text(t -> t.put("num_hidden_layers", 0)),
                        "text_config.num_hidden_layers must be a positive integer"),
                broken("text_config missing", root -> root.remove("text_config"), "text_config is missing"),
                broken("vision tower that is not CLIP", vision(v -> v.put("model_type", "siglip_vision_model")),
                        "vision_config.model_type", "'siglip_vision_model'"),
                broken("bad select strategy", root -> root.put("vision_feature_select_strategy", "cls"),
                        "vision_feature_select_strategy", "'cls'"),
                broken("image_seq_length disagreeing", root -> root.put("image_seq_length", 17),
                        "image_seq_length 17", "16 image tokens"),
                broken("eos outside the vocabulary", text(t -> t.putArray("eos_token_id").add(2).add(160)),
                        "text_config.eos_token_id 160", "vocabulary of 160"),
                broken("image token outside the vocabulary", root -> root.put("image_token_index", 200),
                        "image_token_index 200", "vocabulary of 160"),
                broken("image token at the vocabulary size", root -> root.put("image_token_index", 160),
                        "image_token_index 160", "text_config.vocab_size"),
                broken("image token under its other name outside the vocabulary", root -> {
                    root.remove("image_token_index");
                    root.put("image_token_id", 170);
                }, "image_token_id 170"));
    }

    private static Arguments broken(String what, Consumer<ObjectNode> edit, String... fragments) {
        return Arguments.of(what, edit, fragments);
    }

    private static Consumer<ObjectNode> text(Consumer<ObjectNode> edit) {
        return root -> edit.accept((ObjectNode) root.get("text_config"));
    }

    private static Consumer<ObjectNode> vision(Consumer<ObjectNode> edit) {
        return root -> edit.accept((ObjectNode) root.get("vision_config"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenConfigs")
    void unusableConfigIsRefusedNamingTheField(String what, Consumer<ObjectNode> edit, String[] fragments)
            throws IOException {
        Files.copy(Fixtures.golden("tiny-llava").resolve("config.json"), tmp.resolve("config.json"));
        Fixtures.editConfig(tmp, edit);
        Path file = tmp.resolve("config.json");
        assertThatThrownBy(() -> LlavaConfig.load(tmp)).as(what).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.getMessage()).contains(fragments).contains(file.toString());
            assertThat(e.file()).contains(file);
        });
    }
}
