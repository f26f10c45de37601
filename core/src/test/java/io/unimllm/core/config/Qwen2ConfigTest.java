package io.unimllm.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.Fixtures;
import io.unimllm.protocol.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qwen2 (and Qwen1.5, which share {@code model_type} "qwen2") decoders: chosen from {@code text_config.model_type} or
 * the top-level {@code model_type}, biases on q/k/v only, Qwen2Config's defaults, and a sliding window that would
 * apply refused naming its fields.
 */
class Qwen2ConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A text-only Qwen2 config.json as Qwen2-0.5B ships it, at a tiny size, edited by {@code edit}. */
    private LlavaConfig textOnly(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree("""
                {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 32,
                 "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "num_key_value_heads": 2, "max_position_embeddings": 128, "rope_theta": 1000000.0,
                 "rms_norm_eps": 1e-6, "vocab_size": 160, "bos_token_id": 151, "eos_token_id": 152,
                 "tie_word_embeddings": true, "use_sliding_window": false, "sliding_window": 64,
                 "max_window_layers": 1, "hidden_act": "silu"}
                """);
        edit.accept(root);
        Files.writeString(tmp.resolve("config.json"), root.toString());
        return LlavaConfig.load(tmp);
    }

    @Test
    void llavaFixtureWithQwen2DecoderHasQkvBiasesButNoOutputBias() {
        TextConfig t = LlavaConfig.load(Fixtures.golden("tiny-llava-qwen2")).text();
        assertThat(t.modelType()).isEqualTo("qwen2");
        assertThat(t.qkvBias()).isTrue();
        assertThat(t.outputBias()).isFalse();
        assertThat(t.mlpBias()).isFalse();
        assertThat(t.ropeTheta()).isEqualTo(1e6);
        assertThat(t.tieWordEmbeddings()).isFalse();
        assertThat(LlavaConfig.load(Fixtures.golden("tiny-llava-qwen2-tied")).text().tieWordEmbeddings()).isTrue();
    }

    @Test
    void llamaKeepsAttentionBiasOnAllFourProjections() {
        TextConfig t = LlavaConfig.load(Fixtures.golden("tiny-llava")).text();
        assertThat(t.modelType()).isEqualTo("llama");
        assertThat(t.qkvBias()).isFalse();
        assertThat(t.outputBias()).isFalse();
    }

    @Test
    void textOnlyQwen2ConfigIsReadWithItsOwnDefaults() throws IOException {
        LlavaConfig c = textOnly(root -> {
            root.remove("bos_token_id");
            root.remove("eos_token_id");
            root.remove("max_position_embeddings");
            root.remove("tie_word_embeddings");
        });
        assertThat(c.hasVision()).isFalse();
        assertThat(c.text().modelType()).isEqualTo("qwen2");
        assertThat(c.text().bosTokenId()).isNull();
        assertThat(c.text().eosTokenIds()).isEmpty();
        assertThat(c.text().maxPositionEmbeddings()).isEqualTo(32768);
        assertThat(c.text().tieWordEmbeddings()).isFalse();
    }

    @Test
    void slidingWindowSwitchedOffOrCoveringTheContextOrNoLayerIsAccepted() throws IOException {
        assertThat(textOnly(root -> { }).text().maxPositionEmbeddings()).isEqualTo(128);
        assertThat(textOnly(root -> root.put("use_sliding_window", true).put("sliding_window", 128)).text())
                .isNotNull();
        assertThat(textOnly(root -> root.put("use_sliding_window", true).put("max_window_layers", 2)).text())
                .isNotNull();
        assertThat(textOnly(root -> root.put("use_sliding_window", true).putNull("sliding_window")).text())
                .isNotNull();
    }

    @Test
    void slidingWindowThatWouldApplyIsRefusedNamingTheFields() {
        assertThatThrownBy(() -> textOnly(root -> root.put("use_sliding_window", true)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("use_sliding_window is true").hasMessageContaining("sliding_window 64")
                .hasMessageContaining("max_window_layers (1)").hasMessageContaining("config.json");
        assertThatThrownBy(() -> textOnly(root -> {
            root.put("use_sliding_window", true).put("max_window_layers", 2);
            root.putArray("layer_types").add("full_attention").add("sliding_attention");
        })).isInstanceOf(ConfigException.class).hasMessageContaining("layer_types");
    }

    @Test
    void slidingWindowFieldsNestedInTextConfigAreNamedWithTheirPath() throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(
                Files.readString(Fixtures.golden("tiny-llava-qwen2").resolve("config.json")));
        ((ObjectNode) root.get("text_config")).put("use_sliding_window", true);
        Files.writeString(tmp.resolve("config.json"), root.toString());
        assertThatThrownBy(() -> LlavaConfig.load(tmp)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("text_config.use_sliding_window")
                .hasMessageContaining("text_config.sliding_window");
    }

    @Test
    void unknownModelTypeIsRefusedListingTheSupportedOnes() {
        assertThatThrownBy(() -> textOnly(root -> root.put("model_type", "qwen3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model_type is 'qwen3'")
                .hasMessageContaining("llava").hasMessageContaining("qwen2").hasMessageContaining("llama");
    }

    @Test
    void configWriterKeepsTheDecoderFamily() throws IOException {
        LlavaConfig c = LlavaConfig.load(Fixtures.golden("tiny-llava-qwen2"));
        ConfigWriter.write(c, tmp);
        assertThat(LlavaConfig.load(tmp).text()).isEqualTo(c.text());
    }
}
