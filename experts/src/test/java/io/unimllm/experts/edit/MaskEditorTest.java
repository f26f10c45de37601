package io.unimllm.experts.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Mask-guided recolouring and removal on a red square over a horizontal gradient. */
class MaskEditorTest {
    private static final MaskEditor EDITOR = new MaskEditor();

    @AfterAll
    static void close() {
        EDITOR.close();
    }

    private static int background(int x) {
        int v = 60 + x * 2;
        return new Color(v, v, 255 - x).getRGB();
    }

    private static BufferedImage scene() {
        BufferedImage img = new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 80; x++) {
                boolean square = x >= 30 && x < 50 && y >= 20 && y < 40;
                img.setRGB(x, y, square ? new Color(220, 40, 40).getRGB() : background(x));
            }
        }
        return img;
    }

    private static ExpertResult run(String args, String instruction) throws Exception {
        return EDITOR.run(new ExpertRequest(scene(), instruction, new TaskCall("edit", args,
                List.of(Grounding.of(new Box(26, 16, 54, 44))), Optional.empty(), 0)));
    }

    @Test
    void recolourTurnsTheObjectYellowAndLeavesTheRestAlone() throws Exception {
        BufferedImage out = run("yellow", "make the red square yellow").image().orElseThrow();
        Color inside = new Color(out.getRGB(40, 30));
        assertThat(inside.getRed()).isGreaterThan(200);
        assertThat(inside.getGreen()).isGreaterThan(180);
        assertThat(inside.getBlue()).isLessThan(80);
        for (int x = 0; x < 80; x += 7) {
            assertThat(out.getRGB(x, 5)).isEqualTo(background(x));
        }
    }

    @Test
    void removeFillsTheHoleFromTheSurroundingGradient() throws Exception {
        ExpertResult r = run("remove", "remove the square");
        BufferedImage out = r.image().orElseThrow();
        double err = 0;
        int n = 0;
        for (int y = 20; y < 40; y++) {
            for (int x = 30; x < 50; x++) {
                Color got = new Color(out.getRGB(x, y));
                Color want = new Color(background(x));
                err += Math.abs(got.getRed() - want.getRed()) + Math.abs(got.getGreen() - want.getGreen())
                        + Math.abs(got.getBlue() - want.getBlue());
                n += 3;
            }
        }
        assertThat(err / n).as("mean absolute error per channel inside the removed square").isLessThan(12);
        assertThat(r.masks()).hasSize(1);
        assertThat(r.masks().get(0).mask().area()).isBetween(380L, 420L);
    }

    @Test
    void instructionWithoutAnEditIsATypedError() {
        assertThatThrownBy(() -> run("", "look at it")).isInstanceOf(ExpertException.class)
                .hasMessageContaining("expected 'remove' or a colour");
    }

    @Test
    void editInstructionsParseColourNamesHexAndRemovals() {
        assertThat(EditInstruction.parse("", "make the red circle yellow").orElseThrow().colour())
                .contains(EditInstruction.COLOURS.get("yellow"));
        assertThat(EditInstruction.parse("#ff0", null).orElseThrow().colour()).contains(new Color(255, 255, 0));
        assertThat(EditInstruction.parse("remove", null).orElseThrow().remove()).isTrue();
        assertThat(EditInstruction.parse("please get rid of it", null).orElseThrow().remove()).isTrue();
        assertThat(EditInstruction.parse("hello", "there")).isEmpty();
    }
}
