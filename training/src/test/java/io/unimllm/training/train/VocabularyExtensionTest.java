package io.unimllm.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.core.config.LlavaConfig;
import io.unimllm.core.model.LlavaModel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage 2 grows the vocabulary with rows at the mean of the existing ones, in a checkpoint any loader reads. */
class VocabularyExtensionTest {
    @TempDir
    Path tmp;

    @Test
    void newRowsAreTheVocabularyMeanAndTheModelLoads() throws Exception {
        String json = """
            {"model_type":"llama","hidden_size":8,"intermediate_size":16,"num_hidden_layers":1,
             "num_attention_heads":2,"vocab_size":10,"max_position_embeddings":16}
            """;
        new ModelInitializer(0.5, 1).write(LlavaConfig.parse(new ObjectMapper().readTree(json), null),
                tmp.resolve("a"));
        VocabularyExtension.extend(tmp.resolve("a"), tmp.resolve("b"), 3);
        Map<String, float[]> before = Trainer.readFloats(tmp.resolve("a/model.safetensors"));
        Map<String, float[]> after = Trainer.readFloats(tmp.resolve("b/model.safetensors"));
        for (String name : new String[] {"model.embed_tokens.weight", "lm_head.weight"}) {
            float[] a = before.get(name);
            float[] b = after.get(name);
            assertThat(b).hasSize(13 * 8);
            for (int c = 0; c < 8; c++) {
                double mean = 0;
                for (int r = 0; r < 10; r++) {
                    mean += a[r * 8 + c] / 10.0;
                    assertThat(b[r * 8 + c]).isEqualTo(a[r * 8 + c]);
                }
                for (int r = 10; r < 13; r++) {
                    assertThat((double) b[r * 8 + c]).isCloseTo(mean, within(1e-6));
                }
            }
        }
        try (LlavaModel m = LlavaModel.load(tmp.resolve("b"))) {
            assertThat(m.config().text().vocabSize()).isEqualTo(13);
        }
    }
}
