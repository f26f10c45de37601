package io.unimllm.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.unimllm.core.generate.Generator;
import io.unimllm.core.generate.Prompt;
import io.unimllm.core.model.DecoderPlan;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.LoadOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generation and training feed images to the decoder by one rule, the model's ({@code LlavaModel.embedPrompt}):
 * a prompt whose single image token generation expands gives the same logits as the training row whose image run
 * was expanded beforehand.
 */
class ImageSpliceTest {
    private static final int IMAGE = 60;

    @Test
    void aTrainingRowAndAGenerationPromptWithTheSameImageGiveTheSameLogits(@TempDir Path dir) throws Exception {
        TinyModel.write(dir);
        float[] pixels = new float[3 * 8 * 8];
        Random r = new Random(4);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        try (LlavaModel model = LlavaModel.load(dir, LoadOptions.builder().plan(DecoderPlan.training()).build())) {
            int n = model.config().imageSeqLength();
            assertThat(n).isEqualTo(4);
            float[] generation = new Generator(model).promptLogits(new Prompt(new int[] {1, IMAGE, 5, 7},
                    List.of(pixels)));
            long[] row = {1, IMAGE, IMAGE, IMAGE, IMAGE, 5, 7};
            TrainingBatch batch = new TrainingBatch(new long[][] {row}, new int[][] {new int[row.length]},
                    new float[][] {pixels}, null, null, null);
            float[] training;
            try (NDManager m = model.manager().newSubManager()) {
                training = TrainingForward.run(model, batch, m).logits().toType(DataType.FLOAT32, false)
                        .toFloatArray();
            }
            assertThat(training).hasSameSizeAs(generation).hasSize(row.length * 64);
            for (int i = 0; i < training.length; i++) {
                assertThat(training[i]).as("logit %d", i).isCloseTo(generation[i], Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void aTrainingRowWithoutItsExpandedImageRunIsRefused(@TempDir Path dir) throws Exception {
        TinyModel.write(dir);
        try (LlavaModel model = LlavaModel.load(dir, LoadOptions.builder().plan(DecoderPlan.training()).build());
                NDManager m = model.manager().newSubManager()) {
            long[] row = {1, IMAGE, 5, 7};
            TrainingBatch batch = new TrainingBatch(new long[][] {row}, new int[][] {new int[row.length]},
                    new float[][] {new float[3 * 8 * 8]}, null, null, null);
            assertThatThrownBy(() -> TrainingForward.run(model, batch, m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no run of 4 image tokens");
        }
    }
}
