package io.unimllm.shapes.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.shapes.world.WorldTokenizer;
import io.unimllm.tokenizer.UnimllmTokenizer;
import io.unimllm.training.train.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapesRecipeRunTest {
    private static ShapesRecipe.Run run(double headWeight) {
        return new ShapesRecipe.Run(10, 4, 1e-4, 1, 1, Duration.ofMinutes(1), false, TrainingOptions.Precision.FP32,
                headWeight, 0, 0);
    }

    @Test
    void shortFormIsThePlainWorldWithTheDefaultHeadWeight() {
        ShapesRecipe.Run r = new ShapesRecipe.Run(10, 4, 1e-4, 1, 1, Duration.ofMinutes(1), false);
        assertThat(r.headLossWeight()).isEqualTo(1.0);
        assertThat(r.sameKindDistractors()).isZero();
        assertThat(r.fillers()).isZero();
        assertThat(r.precision()).isEqualTo(TrainingOptions.Precision.FP32);
    }

    @Test
    void fillersNeedATokenizerThatKnowsTheFillerWords(@TempDir Path dir) throws IOException {
        WorldTokenizer.write(dir);
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(dir)) {
            ShapesRecipe.requireFillerWords(tok, dir);
        }
        Path json = dir.resolve("tokenizer.json");
        String text = Files.readString(json);
        assertThat(text).contains("\"kindly\"");
        Files.writeString(json, text.replace("\"kindly\"", "\"kindness\""));
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(dir)) {
            assertThatThrownBy(() -> ShapesRecipe.requireFillerWords(tok, dir))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks the filler word 'kindly'");
        }
    }

    @Test
    void headLossWeightMustBeFiniteAndNotNegative() {
        assertThat(run(0).headLossWeight()).isZero();
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> run(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("head loss weight must be finite and >= 0");
        }
    }
}
