package io.unimllm.experts.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Mask;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Box- and point-prompted segmentation of a flat object on a textured background. */
class ColourRegionSegmenterTest {
    private static final ColourRegionSegmenter SEGMENTER = new ColourRegionSegmenter();

    @AfterAll
    static void close() {
        SEGMENTER.close();
    }

    /** A red disc of radius 20 at (60, 40) on a blue-to-green gradient, 120x80, and its exact mask. */
    private static BufferedImage scene() {
        BufferedImage img = new BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(30, 60, 200), 120, 80, new Color(40, 180, 60)));
        g.fillRect(0, 0, 120, 80);
        g.dispose();
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 120; x++) {
                if (inDisc(x, y)) {
                    img.setRGB(x, y, new Color(220, 30, 30).getRGB());
                }
            }
        }
        return img;
    }

    private static boolean inDisc(int x, int y) {
        double dx = x + 0.5 - 60;
        double dy = y + 0.5 - 40;
        return dx * dx + dy * dy <= 400;
    }

    private static Mask truth() {
        boolean[] bits = new boolean[120 * 80];
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 120; x++) {
                bits[y * 120 + x] = inDisc(x, y);
            }
        }
        return new Mask(120, 80, bits);
    }

    private static ExpertRequest request(Grounding... g) {
        return new ExpertRequest(scene(), "segment the red circle",
                new TaskCall("segment", "red circle", List.of(g), Optional.empty(), 0));
    }

    @Test
    void boxPromptGivesTheObjectMask() throws Exception {
        ExpertResult r = SEGMENTER.run(request(Grounding.of(new Box(36, 16, 84, 64))));
        assertThat(r.masks()).hasSize(1);
        assertThat(r.masks().get(0).mask().iou(truth())).isGreaterThan(0.9);
        assertThat(r.masks().get(0).score()).isGreaterThan(0.2f);
    }

    @Test
    void pointPromptGivesTheObjectMask() throws Exception {
        ExpertResult r = SEGMENTER.run(request(Grounding.of(new Point(58, 42))));
        assertThat(r.masks().get(0).mask().iou(truth())).isGreaterThan(0.9);
    }

    @Test
    void taskWithoutGroundingIsATypedError() {
        assertThatThrownBy(() -> SEGMENTER.run(request())).isInstanceOf(ExpertException.class)
                .hasMessageContaining("box or a point");
    }

    /** Two red discs (left: centre (30, 40), r 12; right: centre (70, 40), r 14) on grey, 120x80. */
    private static BufferedImage twoDiscs() {
        BufferedImage img = new BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 120; x++) {
                boolean red = disc(x, y, 30, 40, 12) || disc(x, y, 70, 40, 14);
                img.setRGB(x, y, red ? new Color(220, 30, 30).getRGB() : new Color(150 + x / 4, 150, 150).getRGB());
            }
        }
        return img;
    }

    private static boolean disc(int x, int y, double cx, double cy, double r) {
        double dx = x + 0.5 - cx;
        double dy = y + 0.5 - cy;
        return dx * dx + dy * dy <= r * r;
    }

    private static Mask discMask(double cx, double cy, double r) {
        boolean[] bits = new boolean[120 * 80];
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 120; x++) {
                bits[y * 120 + x] = disc(x, y, cx, cy, r);
            }
        }
        return new Mask(120, 80, bits);
    }

    @Test
    void boxAndPointTogetherGiveOneMaskOfTheObjectUnderThePoint() throws Exception {
        // the box holds both discs and its centre (62, 40) lies on the right one; the point picks the left one
        Box box = new Box(14, 22, 110, 58);
        Mask left = discMask(30, 40, 12);
        Mask right = discMask(70, 40, 14);
        ExpertRequest boxOnly = new ExpertRequest(twoDiscs(), "segment the small red circle",
                new TaskCall("segment", "small red circle", List.of(Grounding.of(box)), Optional.empty(), 0));
        ExpertResult r0 = SEGMENTER.run(boxOnly);
        assertThat(r0.masks()).hasSize(1);
        assertThat(r0.masks().get(0).mask().iou(right)).isGreaterThan(0.9);

        ExpertRequest both = new ExpertRequest(twoDiscs(), "segment the small red circle",
                new TaskCall("segment", "small red circle", List.of(Grounding.of(box),
                        Grounding.of(new Point(31, 41), "mask_prompt_head")), Optional.empty(), 0));
        ExpertResult r = SEGMENTER.run(both);
        assertThat(r.masks()).as("box and point are one prompt").hasSize(1);
        assertThat(r.masks().get(0).mask().iou(left)).isGreaterThan(0.9);
        assertThat(r.masks().get(0).mask().iou(right)).isZero();
    }

    @Test
    void pointOutsideTheBoxDoesNotOverrideIt() throws Exception {
        Box box = new Box(52, 22, 90, 58); // the right disc only
        ExpertRequest req = new ExpertRequest(twoDiscs(), "segment the large red circle",
                new TaskCall("segment", "large red circle", List.of(Grounding.of(box),
                        Grounding.of(new Point(30, 40), "mask_prompt_head")), Optional.empty(), 0));
        ExpertResult r = SEGMENTER.run(req);
        assertThat(r.masks()).hasSize(1);
        assertThat(r.masks().get(0).mask().iou(discMask(70, 40, 14))).isGreaterThan(0.9);
    }
}
