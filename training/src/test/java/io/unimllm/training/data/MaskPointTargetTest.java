package io.unimllm.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.unimllm.geometry.Mask;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/** The mask-prompt head's target lies inside the mask, also where the centroid does not. */
class MaskPointTargetTest {
    private static Mask mask(int w, int h, BiPredicate<Integer, Integer> in) {
        boolean[] bits = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                bits[y * w + x] = in.test(x, y);
            }
        }
        return new Mask(w, h, bits);
    }

    private static boolean inside(Mask m, double[] p) {
        return m.get((int) Math.floor(p[0]), (int) Math.floor(p[1]));
    }

    @Test
    void convexMaskGivesItsCentroid() {
        Mask square = mask(40, 30, (x, y) -> x >= 10 && x < 20 && y >= 4 && y < 10);
        assertThat(MaskPointTarget.pixels(square)).containsExactly(15.0, 7.0);
        assertThat(MaskPointTarget.normalised(square)).containsExactly(15f / 40, 7f / 30);
    }

    @Test
    void ringMaskGivesAPointOnTheRingNotItsEmptyCentre() {
        // ring around (24, 24), radii 8..12: the centroid (24, 24) is in the hole
        Mask ring = mask(48, 48, (x, y) -> {
            double d = Math.hypot(x + 0.5 - 24, y + 0.5 - 24);
            return d >= 8 && d <= 12;
        });
        assertThat(ring.get(23, 23)).isFalse();
        double[] p = MaskPointTarget.pixels(ring);
        assertThat(inside(ring, p)).isTrue();
        assertThat(Math.hypot(p[0] - 24, p[1] - 24)).isCloseTo(8.0, within(0.75));
        float[] n = MaskPointTarget.normalised(ring);
        assertThat(ring.get((int) (n[0] * 48), (int) (n[1] * 48))).isTrue();
    }

    @Test
    void lShapedMaskGivesAPointInsideTheL() {
        // an L: a vertical bar x 0..3, y 0..29 and a horizontal bar x 0..29, y 26..29; its centroid (8.96, 21.0)
        // lies in the empty corner
        Mask l = mask(32, 32, (x, y) -> (x < 4 && y < 30) || (y >= 26 && y < 30 && x < 30));
        assertThat(l.get(8, 21)).isFalse();
        double[] p = MaskPointTarget.pixels(l);
        assertThat(inside(l, p)).isTrue();
        float[] n = MaskPointTarget.normalised(l);
        assertThat(l.get((int) (n[0] * 32), (int) (n[1] * 32))).isTrue();
    }

    @Test
    void emptyMaskHasNoTarget() {
        assertThat(MaskPointTarget.pixels(mask(4, 4, (x, y) -> false))).isNull();
        assertThat(MaskPointTarget.normalised(mask(4, 4, (x, y) -> false))).isNull();
    }
}
