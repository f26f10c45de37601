package io.unimllm.shapes.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.core.image.ImageProcessorConfig;
import io.unimllm.geometry.Mask;
import io.unimllm.shapes.recipe.ShapesRecipe;
import io.unimllm.shapes.world.Phrasings;
import io.unimllm.shapes.world.Sample;
import io.unimllm.shapes.world.WorldGenerator;
import io.unimllm.tokenizer.UnimllmTokenizer;
import io.unimllm.training.data.Batcher;
import io.unimllm.training.train.TrainingBatch;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batcher puts the mask-prompt head's target at the task token of samples with a target mask, and only there. */
class BatcherPointTargetTest {
    @TempDir
    Path dir;

    private static Sample sample(WorldGenerator w, Phrasings.Task task) {
        while (true) {
            Sample s = w.next();
            if (s.task() == task) {
                return s;
            }
        }
    }

    @Test
    void segmentAndEditSamplesGetAPointInsideTheirMaskAndPlainAnswersNone() {
        ShapesRecipe.initialise(dir, 3);
        WorldGenerator w = new WorldGenerator(ShapesRecipe.IMAGE_SIZE, Phrasings.TRAIN, 5);
        Sample seg = sample(w, Phrasings.Task.SEGMENT);
        Sample remove = sample(w, Phrasings.Task.REMOVE);
        Sample count = sample(w, Phrasings.Task.COUNT);
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(dir)) {
            Batcher batcher = new Batcher(tok, ShapesRecipe.TEMPLATE,
                    new ImagePreprocessor(ImageProcessorConfig.load(dir, ShapesRecipe.IMAGE_SIZE)), 36, "<image>");
            TrainingBatch b = batcher.batch(List.of(seg.toExample(), remove.toExample(),
                    count.toExample()));
            assertThat(b.pointTargets()).isNotNull();
            for (int i = 0; i < 2; i++) {
                Mask mask = (i == 0 ? seg : remove).mask().orElseThrow();
                float[] p = b.pointTargets()[i];
                assertThat(p).hasSize(2);
                assertThat(mask.get((int) (p[0] * 48), (int) (p[1] * 48))).as("row %d", i).isTrue();
                int taskToken = b.regionTokenIndex()[i];
                assertThat(taskToken).isPositive();
                assertThat(b.labels()[i][taskToken]).isEqualTo(tok.tokenId((i == 0 ? "<task_seg>" : "<task_edit>")));
            }
            assertThat(b.pointTargets()[2]).isNull();
            assertThat(b.regionTokenIndex()[2]).isEqualTo(-1);
        }
    }
}
