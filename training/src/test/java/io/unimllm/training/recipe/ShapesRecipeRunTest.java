package io.unimllm.training.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.training.train.TrainingOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
    void headLossWeightMustBeFiniteAndNotNegative() {
        assertThat(run(0).headLossWeight()).isZero();
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> run(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("head loss weight must be finite and >= 0");
        }
    }
}
