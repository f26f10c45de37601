package io.unimllm.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Overlays tint masked pixels, outline boxes and leave the source image untouched. */
class OverlayTest {
    @Test
    void masksAreTintedAndBoxesOutlinedOnACopy() {
        BufferedImage src = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        boolean[] bits = new boolean[40 * 30];
        bits[15 * 40 + 20] = true;
        BufferedImage out = new Overlay(src).mask(new Mask(40, 30, bits), null).box(new Box(2, 2, 10, 10), null)
                .image();
        assertThat(out.getRGB(20, 15) & 0xffffff).isNotZero();
        assertThat(out.getRGB(0, 29) & 0xffffff).isZero();
        assertThat(out.getRGB(2, 5) & 0xffffff).as("box edge").isNotZero();
        assertThat(src.getRGB(20, 15) & 0xffffff).as("source untouched").isZero();
    }
}
