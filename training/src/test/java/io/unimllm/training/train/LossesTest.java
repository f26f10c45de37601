package io.unimllm.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Loss values on hand-computed examples. */
class LossesTest {
    @Test
    void pointLossIsTheMeanOverPointsOfTheL1DistanceSummedOverXAndY() {
        try (NDManager m = NDManager.newBaseManager()) {
            // row 0: |0.2-0.5| + |0.4-0.5| = 0.4; row 1: |0.9-0.9| + |0.1-0.6| = 0.5; mean 0.45
            float got = Losses.point(m.create(new float[] {0.2f, 0.4f, 0.9f, 0.1f}, new Shape(2, 2)),
                    m.create(new float[] {0.5f, 0.5f, 0.9f, 0.6f}, new Shape(2, 2))).getFloat();
            assertThat(got).isCloseTo(0.45f, within(1e-6f));
            float zero = Losses.point(m.create(new float[] {0.3f, 0.7f}, new Shape(1, 2)),
                    m.create(new float[] {0.3f, 0.7f}, new Shape(1, 2))).getFloat();
            assertThat(zero).isZero();
        }
    }
}
