package io.unimllm.experts.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import io.unimllm.router.spi.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

class CenterNetDecoderTest {
    private static final int H = 8, W = 8, C = 80, STRIDE = 4;

    private static void set(float[] hm, int y, int x, int c, float v) {
        hm[(y * W + x) * C + c] = v;
    }

    private static void setDistances(float[] d, int y, int x, float l, float t, float r, float b) {
        int o = (y * W + x) * 4;
        d[o] = l;
        d[o + 1] = t;
        d[o + 2] = r;
        d[o + 3] = b;
    }

    @Test
    void peakBecomesABoxAroundItsCellCentre() {
        float[] hm = new float[H * W * C];
        float[] d = new float[H * W * 4];
        set(hm, 3, 5, 15, 0.8f);
        setDistances(d, 3, 5, 4, 2, 6, 10);
        List<Detection> out = CenterNetDecoder.decode(new CenterNetHead(H, W, C, STRIDE, hm, d), 0.2, 100, c -> true);
        // Cell (x=5, y=3) has its centre at (20, 12) input pixels.
        assertThat(out).containsExactly(new Detection(new Box(16, 10, 26, 22), "cat", 0.8f));
    }

    @Test
    void onlyLocalMaximaAboveTheScoreAndInTheFilterSurvive() {
        float[] hm = new float[H * W * C];
        float[] d = new float[H * W * 4];
        set(hm, 2, 2, 0, 0.9f);
        set(hm, 2, 3, 0, 0.7f);   // neighbour of a stronger peak of the same class: not a peak
        set(hm, 2, 3, 16, 0.6f);  // same cell, other class: a peak of its own
        set(hm, 6, 6, 0, 0.1f);   // below the score
        List<Detection> out = CenterNetDecoder.decode(new CenterNetHead(H, W, C, STRIDE, hm, d), 0.2, 100, c -> true);
        assertThat(out).extracting(Detection::label).containsExactly("person", "dog");
        List<Detection> dogsOnly = CenterNetDecoder.decode(new CenterNetHead(H, W, C, STRIDE, hm, d), 0.2, 100,
                c -> c == 16);
        assertThat(dogsOnly).extracting(Detection::label).containsExactly("dog");
        assertThat(CenterNetDecoder.decode(new CenterNetHead(H, W, C, STRIDE, hm, d), 0.2, 1, c -> true))
                .extracting(Detection::label).containsExactly("person");
    }

    @Test
    void headRejectsArraysOfTheWrongSize() {
        assertThatThrownBy(() -> new CenterNetHead(H, W, C, STRIDE, new float[10], new float[H * W * 4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heatmap");
        assertThatThrownBy(() -> new CenterNetHead(H, W, C, STRIDE, new float[H * W * C], new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distances");
    }
}
