package io.unimllm.experts.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageResamplerTest {
    @Test
    void upsamplesAsTensorFlowLegacyBilinear() {
        // One row 0, 100 in red; legacy mapping src = dst * in / out gives 0, 0.5, 1, 1.5 -> 0, 50, 100, 100.
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x000000);
        image.setRGB(1, 0, 100 << 16 | 7 << 8 | 200);
        float[] out = ImageResampler.resizeRgbLegacyBilinear(image, 4, 1);
        assertThat(new float[] {out[0], out[3], out[6], out[9]}).containsExactly(0f, 50f, 100f, 100f);
        assertThat(new float[] {out[7], out[8]}).as("green and blue of the third pixel").containsExactly(7f, 200f);
    }

    @Test
    void downsamplesByPickingTheTopLeftSourceGridWithoutAntialiasing() {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                image.setRGB(x, y, (10 * (y * 4 + x)) << 16);
            }
        }
        float[] out = ImageResampler.resizeRgbLegacyBilinear(image, 2, 2);
        // Sources (0,0), (2,0), (0,2), (2,2).
        assertThat(new float[] {out[0], out[3], out[6], out[9]}).containsExactly(0f, 20f, 80f, 100f);
    }

    @Test
    void rejectsEmptyTargets() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> ImageResampler.resizeRgbLegacyBilinear(image, 0, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x5");
    }
}
