package io.unimllm.experts.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import io.unimllm.router.spi.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

class NmsTest {
    private static Detection det(double x1, double y1, double x2, double y2, String label, double score) {
        return new Detection(new Box(x1, y1, x2, y2), label, score);
    }

    @Test
    void keepsTheStrongestOfHeavilyOverlappingBoxesOfOneClass() {
        Detection weak = det(0, 0, 100, 100, "cat", 0.5);
        Detection strong = det(5, 5, 105, 105, "cat", 0.9);
        assertThat(Nms.suppress(List.of(weak, strong), 0.5)).containsExactly(strong);
    }

    @Test
    void keepsOverlappingBoxesOfDifferentClassesWhenClassAware() {
        Detection cat = det(0, 0, 100, 100, "cat", 0.9);
        Detection dog = det(0, 0, 100, 100, "dog", 0.8);
        assertThat(Nms.suppress(List.of(cat, dog), 0.5)).containsExactly(cat, dog);
        assertThat(Nms.suppress(List.of(cat, dog), 0.5, false, 10)).containsExactly(cat);
    }

    @Test
    void keepsBoxesWhoseOverlapIsAtOrBelowTheThreshold() {
        // IoU of these two is 50 / 150 = 1/3.
        Detection a = det(0, 0, 10, 10, "person", 0.9);
        Detection b = det(5, 0, 15, 10, "person", 0.8);
        assertThat(Nms.suppress(List.of(a, b), 0.4)).containsExactly(a, b);
        assertThat(Nms.suppress(List.of(a, b), 0.3)).containsExactly(a);
    }

    @Test
    void suppressedBoxesDoNotSuppressOthers() {
        // b is removed by a; c overlaps b but not a, so c survives.
        Detection a = det(0, 0, 10, 10, "x", 0.9);
        Detection b = det(2, 0, 12, 10, "x", 0.8);
        Detection c = det(9, 0, 19, 10, "x", 0.7);
        assertThat(Nms.suppress(List.of(c, b, a), 0.5)).containsExactly(a, c);
    }

    @Test
    void returnsHighestScoresFirstAndHonoursTheLimit() {
        Detection a = det(0, 0, 10, 10, "x", 0.3);
        Detection b = det(20, 0, 30, 10, "x", 0.9);
        Detection c = det(40, 0, 50, 10, "x", 0.6);
        assertThat(Nms.suppress(List.of(a, b, c), 0.5)).containsExactly(b, c, a);
        assertThat(Nms.suppress(List.of(a, b, c), 0.5, true, 2)).containsExactly(b, c);
        assertThat(Nms.suppress(List.of(), 0.5)).isEmpty();
    }

    @Test
    void rejectsThresholdsOutsideTheUnitInterval() {
        assertThatThrownBy(() -> Nms.suppress(List.of(), 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 1]").hasMessageContaining("1.5");
        assertThatThrownBy(() -> Nms.suppress(List.of(), Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Nms.suppress(List.of(), 0.5, true, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDetections");
    }
}
