package io.unimllm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.CheckpointException;
import io.unimllm.core.Fixtures;
import io.unimllm.core.safetensors.SafetensorsWriter;
import io.unimllm.protocol.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a broken copy of the tiny-llava fixture fails with a typed exception naming what is wrong: a missing
 * tensor, a tensor whose shape config.json does not imply, an absent lm_head, a truncated weights file.
 */
class ModelLoadErrorsTest {
    private static final String DOWN_PROJ = "language_model.model.layers.1.mlp.down_proj.weight";
    private static final String LM_HEAD = "language_model.lm_head.weight";
    private static final LoadOptions CPU = LoadOptions.builder().device(Device.cpu()).build();

    @TempDir
    Path tmp;

    private Path copy() {
        return Fixtures.copy("tiny-llava", tmp.resolve("ckpt"));
    }

    @Test
    void intactCopyLoads() {
        // control for the tests below: the copy itself is loadable, so each failure is due to its one change
        try (LlavaModel model = LlavaModel.load(copy(), CPU)) {
            assertThat(model.parameters()).containsKeys(DOWN_PROJ, LM_HEAD);
        }
    }

    @Test
    void missingTensorIsNamed() {
        Path dir = copy();
        Fixtures.rewriteWeights(dir, name -> !name.equals(DOWN_PROJ));
        assertThatThrownBy(() -> LlavaModel.load(dir, CPU)).isInstanceOfSatisfying(CheckpointException.class, e -> {
            assertThat(e.tensor()).contains(DOWN_PROJ);
            assertThat(e.getMessage()).contains(DOWN_PROJ).contains("no tensor");
        });
    }

    @Test
    void tensorShapeThatConfigDoesNotImplyIsNamedWithBothShapes() {
        Path dir = copy();
        Fixtures.editConfig(dir, root -> ((ObjectNode) root.get("text_config"))
                .put("intermediate_size", 48));
        String gateProj = "language_model.model.layers.0.mlp.gate_proj.weight";
        assertThatThrownBy(() -> LlavaModel.load(dir, CPU)).isInstanceOfSatisfying(CheckpointException.class, e -> {
            assertThat(e.tensor()).contains(gateProj);
            assertThat(e.file()).contains(dir.resolve("model.safetensors"));
            assertThat(e.getMessage()).contains(gateProj).contains("shape [64, 32]")
                    .contains("config.json implies [48, 32]");
        });
    }

    @Test
    void untiedCheckpointWithoutLmHeadIsRefused() {
        Path dir = copy();
        Fixtures.rewriteWeights(dir, name -> !name.equals(LM_HEAD));
        assertThatThrownBy(() -> LlavaModel.load(dir, CPU)).isInstanceOfSatisfying(CheckpointException.class, e -> {
            assertThat(e.getMessage()).contains("no lm_head weight").contains("tie_word_embeddings");
            assertThat(e.tensor()).hasValueSatisfying(t -> assertThat(t).contains("lm_head"));
        });
    }

    @Test
    void truncatedWeightsFileIsRefusedNamingFileAndTensor() {
        Path dir = copy();
        Path weights = dir.resolve("model.safetensors");
        Fixtures.truncate(weights, 100);
        assertThatThrownBy(() -> LlavaModel.load(dir, CPU)).isInstanceOfSatisfying(CheckpointException.class, e -> {
            assertThat(e.file()).contains(weights);
            assertThat(e.tensor()).contains(LM_HEAD); // the last tensor in the file no longer fits
            assertThat(e.getMessage()).contains("beyond the data section");
        });
    }

    @Test
    void checkpointWithoutConfigIsAConfigError() throws IOException {
        Path dir = copy();
        Files.delete(dir.resolve("config.json"));
        assertThatThrownBy(() -> LlavaModel.load(dir, CPU)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.json not found");
    }

    @Test
    void modelPathThatIsAFileIsAConfigErrorSayingADirectoryIsExpected() {
        Path weights = copy().resolve("model.safetensors");
        assertThatThrownBy(() -> LlavaModel.load(weights, CPU)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.getMessage()).contains("is a file, expected a checkpoint directory").doesNotContain("JSON");
            assertThat(e.file()).contains(weights);
        });
        Path config = weights.resolveSibling("config.json");
        assertThatThrownBy(() -> LlavaModel.load(config, CPU)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is a file, expected a checkpoint directory");
    }

    @Test
    void configWithFewerLayersThanTheCheckpointIsRefusedNamingTheUnusedTensors() {
        Path dir = copy();
        Fixtures.editConfig(dir, root -> ((ObjectNode) root.get("text_config")).put("num_hidden_layers", 1));
        String layer1 = "language_model.model.layers.1.";
        assertThatThrownBy(() -> LlavaModel.load(dir, CPU)).isInstanceOfSatisfying(CheckpointException.class, e -> {
            assertThat(e.tensor()).hasValueSatisfying(t -> assertThat(t).startsWith(layer1));
            assertThat(e.file()).contains(dir.resolve("model.safetensors"));
            assertThat(e.getMessage()).contains("9 tensor(s)").contains("not used").contains(layer1)
                    .contains("(9 in all)").contains("ignoreUnusedTensors(true)");
        });
    }

    @Test
    void unusedTensorsLoadWhenExplicitlyIgnored() {
        Path dir = copy();
        Fixtures.editConfig(dir, root -> ((ObjectNode) root.get("text_config")).put("num_hidden_layers", 1));
        LoadOptions ignoring = LoadOptions.builder().device(Device.cpu()).ignoreUnusedTensors(true).build();
        assertThat(ignoring.ignoresUnusedTensors()).isTrue();
        assertThat(CPU.ignoresUnusedTensors()).as("refused by default").isFalse();
        try (LlavaModel model = LlavaModel.load(dir, ignoring)) {
            assertThat(model.parameters()).containsKey("language_model.model.layers.0.mlp.down_proj.weight")
                    .doesNotContainKey(DOWN_PROJ);
        }
    }

    @Test
    void visionLayerBeyondTheConfigAndWeightsOfAnotherArchitectureAreUnused() {
        Path dir = copy();
        // 2 vision layers with feature layer -2: layer 1 is described (not needed), layer 2 is beyond the config
        Fixtures.editConfig(dir, root -> ((ObjectNode) root.get("vision_config")).put("num_hidden_layers", 2));
        assertThatThrownBy(() -> LlavaModel.load(dir, CPU)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("vision_tower.vision_model.encoder.layers.2.")
                .hasMessageNotContaining("encoder.layers.1.");
        Path other = copy2();
        Fixtures.editWeights(other, entries -> entries.add(SafetensorsWriter.Entry.f32("image_newline",
                new long[] {32}, new float[32])));
        assertThatThrownBy(() -> LlavaModel.load(other, CPU)).isInstanceOfSatisfying(CheckpointException.class,
                e -> assertThat(e.tensor()).contains("image_newline"));
    }

    @Test
    void buffersHuggingFaceRecomputesAndLayersPastTheFeatureLayerAreNoError() {
        Path dir = copy();
        Fixtures.editWeights(dir, entries -> {
            entries.add(SafetensorsWriter.Entry.f32("language_model.model.layers.0.self_attn.rotary_emb.inv_freq",
                    new long[] {4}, new float[4]));
            entries.add(SafetensorsWriter.Entry.f32("vision_tower.vision_model.embeddings.position_ids",
                    new long[] {17}, new float[17]));
        });
        try (LlavaModel model = LlavaModel.load(dir, CPU)) {
            // the fixture also holds vision layer 2 and post_layernorm, which feature layer -2 does not read
            assertThat(model.parameters())
                    .doesNotContainKey("vision_tower.vision_model.encoder.layers.2.mlp.fc1.weight")
                    .doesNotContainKey("vision_tower.vision_model.post_layernorm.weight");
        }
    }

    private Path copy2() {
        return Fixtures.copy("tiny-llava", tmp.resolve("ckpt2"));
    }
}
