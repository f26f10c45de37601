package io.unimllm.shapes.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.core.image.ImageProcessorConfig;
import io.unimllm.shapes.recipe.ShapesRecipe;
import io.unimllm.shapes.world.Phrasings;
import io.unimllm.shapes.world.Sample;
import io.unimllm.shapes.world.WorldGenerator;
import io.unimllm.tokenizer.UnimllmTokenizer;
import io.unimllm.training.data.Batcher;
import io.unimllm.training.data.JsonlDatasetReader;
import io.unimllm.training.train.TrainingBatch;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipe's batcher: answer-only labels with EOS, right padding, image placeholder expanded, and the same batch
 * whether the examples come from the generator or from the JSON Lines dataset they were written to.
 */
class BatcherTest {
    private static final int IMAGE_TOKENS = 36;

    @TempDir
    Path dir;

    @Test
    void labelsAreExactlyTheAnswerTokensAndEosAndRowsAreRightPadded() {
        ShapesRecipe.initialise(dir.resolve("model"), 3);
        List<Sample> samples = new WorldGenerator(ShapesRecipe.IMAGE_SIZE, Phrasings.TRAIN, 8).next(6);
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(dir.resolve("model"))) {
            TrainingBatch b = batcher(tok).batch(samples.stream().map(Sample::toExample).toList());
            int pad = tok.tokenId("<pad>");
            int eos = tok.tokenId("</s>");
            int image = tok.tokenId("<image>");
            for (int i = 0; i < samples.size(); i++) {
                long[] ids = b.inputIds()[i];
                int[] labels = b.labels()[i];
                assertThat(Arrays.stream(ids).filter(id -> id == image).count()).isEqualTo(IMAGE_TOKENS);
                int firstLabel = 0;
                while (labels[firstLabel] == TrainingBatch.IGNORE) {
                    firstLabel++;
                }
                int end = firstLabel;
                while (end < labels.length && labels[end] != TrainingBatch.IGNORE) {
                    assertThat((long) labels[end]).isEqualTo(ids[end]);
                    end++;
                }
                assertThat(labels[end - 1]).isEqualTo(eos);
                int[] answer = Arrays.copyOfRange(labels, firstLabel, end - 1);
                assertThat(answer).containsExactly(tok.encode(" " + samples.get(i).answer(), false));
                for (int t = end; t < ids.length; t++) {
                    assertThat(ids[t]).as("padding of row %d", i).isEqualTo(pad);
                    assertThat(labels[t]).isEqualTo(TrainingBatch.IGNORE);
                }
                int[] prompt = batcher(tok).promptIds(samples.get(i).instruction());
                assertThat(firstLabel).isEqualTo(prompt.length);
            }
            assertThat(Arrays.stream(b.labels()).mapToInt(l -> l.length).max().orElseThrow())
                    .isEqualTo(b.length());
        }
    }

    @Test
    void aJsonlDatasetBatchesExactlyAsTheSamplesItWasWrittenFrom() {
        ShapesRecipe.initialise(dir.resolve("model"), 3);
        List<Sample> samples = new WorldGenerator(ShapesRecipe.IMAGE_SIZE, Phrasings.TRAIN, 5).next(12);
        Path jsonl = DatasetWriter.write(dir.resolve("data"), "s", samples);
        List<Batcher.Example> fromFile = JsonlDatasetReader.readAll(jsonl).stream().map(Batcher.Example::of).toList();
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(dir.resolve("model"))) {
            Batcher batcher = batcher(tok);
            TrainingBatch a = batcher.batch(samples.stream().map(Sample::toExample).toList());
            TrainingBatch b = batcher.batch(fromFile);
            assertThat(b.inputIds()).isDeepEqualTo(a.inputIds());
            assertThat(b.labels()).isDeepEqualTo(a.labels());
            assertThat(b.pixels()).isDeepEqualTo(a.pixels());
            assertThat(b.regionTargets()).isDeepEqualTo(a.regionTargets());
            assertThat(b.regionTokenIndex()).containsExactly(a.regionTokenIndex());
            assertThat(b.pointTargets()).isDeepEqualTo(a.pointTargets());
            assertThat(a.regionTargets()).isNotNull();
            assertThat(a.pointTargets()).isNotNull();
        }
    }

    private Batcher batcher(UnimllmTokenizer tok) {
        return new Batcher(tok, ShapesRecipe.TEMPLATE,
                new ImagePreprocessor(ImageProcessorConfig.load(dir.resolve("model"), ShapesRecipe.IMAGE_SIZE)),
                IMAGE_TOKENS, "<image>");
    }
}
