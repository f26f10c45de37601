package io.unimllm.shapes.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.training.train.TrainingOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShapesRecipeRunBuilderTest {
    private static ShapesRecipe.Run.Builder schedule() {
        return ShapesRecipe.Run.builder().steps(10).batchSize(4).lr(1e-4).warmup(1).seed(1)
                .budget(Duration.ofMinutes(1));
    }

    @Test
    void defaultsAreThoseOfTheSevenArgumentConstructor() {
        assertThat(schedule().build())
                .isEqualTo(new ShapesRecipe.Run(10, 4, 1e-4, 1, 1, Duration.ofMinutes(1), false));
    }

    @Test
    void setsEveryComponent() {
        ShapesRecipe.Run r = schedule().resume(true).precision(TrainingOptions.Precision.FP16_MIXED)
                .headLossWeight(0.5).sameKindDistractors(0.25).fillers(0.1).build();
        assertThat(r).isEqualTo(new ShapesRecipe.Run(10, 4, 1e-4, 1, 1, Duration.ofMinutes(1), true,
                TrainingOptions.Precision.FP16_MIXED, 0.5, 0.25, 0.1));
    }

    @Test
    void namesTheComponentsLeftUnset() {
        assertThatThrownBy(() -> ShapesRecipe.Run.builder().steps(10).batchSize(4).warmup(1).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ShapesRecipe.Run needs lr, seed, budget set");
    }

    @Test
    void theRecordStillValidates() {
        assertThatThrownBy(() -> schedule().headLossWeight(-1).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("head loss weight must be finite and >= 0");
    }
}
