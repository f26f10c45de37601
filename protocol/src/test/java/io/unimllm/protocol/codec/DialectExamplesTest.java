package io.unimllm.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Outputs written exactly as the public models print them, decoded into pixel boxes of a 640x480 image (the same
 * examples appear in docs/protocol.md).
 */
class DialectExamplesTest {
    private static final int W = 640;
    private static final int H = 480;

    private static void assertBox(Grounding g, double x1, double y1, double x2, double y2, String label) {
        assertThat(g.geometry()).isInstanceOf(Box.class);
        Box b = (Box) g.geometry();
        assertThat(new double[] {b.x1(), b.y1(), b.x2(), b.y2()})
                .containsExactly(new double[] {x1, y1, x2, y2}, within(1e-9));
        assertThat(g.label()).isEqualTo(Optional.ofNullable(label));
    }

    @Test
    void florence2ObjectDetectionDecodesToBinCentres() {
        List<Grounding> gs = Codecs.byName("florence2").decode(
                "car<loc_52><loc_333><loc_932><loc_774>door handle<loc_100><loc_200><loc_150><loc_250>"
                        + "<loc_600><loc_200><loc_650><loc_250>", W, H);

        assertThat(gs).hasSize(3);
        // (q + 0.5) * size / 1000
        assertBox(gs.get(0), 33.6, 160.08, 596.8, 371.76, "car");
        assertBox(gs.get(1), 64.32, 96.24, 96.32, 120.24, "door handle");
        assertBox(gs.get(2), 384.32, 96.24, 416.32, 120.24, "door handle");
    }

    @Test
    void florence2SegmentationDecodesPolygonsSplitBySep() {
        List<Grounding> gs = Codecs.byName("florence2-seg").decode(
                "<loc_100><loc_100><loc_200><loc_100><loc_200><loc_200><sep><loc_500><loc_500><loc_600><loc_500>"
                        + "<loc_600><loc_600><loc_500><loc_600>", W, H);

        assertThat(gs).hasSize(2);
        assertThat(((Polygon) gs.get(0).geometry()).vertices()).containsExactly(new Point(64.32, 48.24),
                new Point(128.32, 48.24), new Point(128.32, 96.24));
        assertThat(((Polygon) gs.get(1).geometry()).vertices()).hasSize(4);
    }

    @Test
    void paliGemmaDetectionIsYFirstOver1024() {
        List<Grounding> gs = Codecs.byName("paligemma").decode(
                "<loc0256><loc0128><loc0768><loc0896> cat ; <loc0100><loc0200><loc0300><loc0400> dog", W, H);

        assertThat(gs).hasSize(2);
        // y1 = 256/1024*480, x1 = 128/1024*640, y2 = 768/1024*480, x2 = 896/1024*640
        assertBox(gs.get(0), 80, 120, 560, 360, "cat");
        assertBox(gs.get(1), 125, 46.875, 250, 140.625, "dog");
        assertThat(new PaliGemmaCodec().encodeAll(gs, W, H)).isEqualTo(
                "<loc0256><loc0128><loc0768><loc0896> cat ; <loc0100><loc0200><loc0300><loc0400> dog");
    }

    @Test
    void qwenVlRefAndBoxAreThousandthsOfTheImage() {
        List<Grounding> gs = Codecs.byName("qwen-vl").decode(
                "Picture 1 shows <ref>the dog</ref><box>(120,300),(560,880)</box> on a lawn.", W, H);

        assertThat(gs).hasSize(1);
        assertBox(gs.get(0), 76.8, 144, 358.4, 422.4, "the dog");
    }

    @Test
    void kosmos2PatchIndicesSpanWholeCells() {
        List<Grounding> gs = Codecs.byName("kosmos2").decode("An image of<phrase> a snowman</phrase><object>"
                + "<patch_index_0044><patch_index_0863></object> warming himself by<phrase> a fire</phrase><object>"
                + "<patch_index_0005><patch_index_0911></object>.", W, H);

        assertThat(gs).hasSize(2);
        // 44 = row 1, col 12; 863 = row 26, col 31; cells are 20 x 15 pixels
        assertBox(gs.get(0), 240, 15, 640, 405, "a snowman");
        // 5 = row 0, col 5; 911 = row 28, col 15
        assertBox(gs.get(1), 100, 0, 320, 435, "a fire");
    }

    @Test
    void kosmos2SeveralBoxesForOnePhrase() {
        List<Grounding> gs = Codecs.byName("kosmos2").decode("<phrase>two dogs</phrase><object><patch_index_0000>"
                + "<patch_index_0033></delimiter_of_multi_objects/><patch_index_0990><patch_index_1023></object>", W, H);

        assertThat(gs).hasSize(2);
        assertBox(gs.get(0), 0, 0, 40, 30, "two dogs");
        assertBox(gs.get(1), 600, 450, 640, 480, "two dogs");
    }

    @Test
    void shikraNormalisedBracketsAndSemicolonJoinedBoxes() {
        List<Grounding> gs = Codecs.byName("shikra").decode(
                "The dog[0.102,0.234,0.556,0.801] chases two cats[0.600,0.100,0.900,0.500;0.050,0.500,0.250,0.750]"
                        + " toward the ball[0.500,0.900]. See [1] and [a,b].", W, H);

        assertThat(gs).hasSize(4);
        assertBox(gs.get(0), 65.28, 112.32, 355.84, 384.48, null);
        assertBox(gs.get(1), 384, 48, 576, 240, null);
        assertBox(gs.get(2), 32, 240, 160, 360, null);
        assertThat(gs.get(3).geometry()).isEqualTo(new Point(320, 432));
    }

    @Test
    void unimllmBoxesAndPointsDecodeToBinCentres() {
        List<Grounding> gs = Codecs.byName("unimllm").decode("<box>100,200,300,400</box> <point>500,500</point>", W,
                H);

        assertThat(gs).hasSize(2);
        assertBox(gs.get(0), 64.32, 96.24, 192.32, 192.24, null);
        assertThat(gs.get(1).geometry()).isEqualTo(new Point(320.32, 240.24));
    }

    @Test
    void codecNamesAreCaseInsensitiveAndUnknownNamesListTheKnownOnes() {
        assertThat(Codecs.byName("Qwen_VL")).isInstanceOf(QwenVlCodec.class);
        assertThat(Codecs.byName("kosmos-2")).isInstanceOf(Kosmos2Codec.class);
        assertThat(Codecs.all()).extracting(GroundingCodec::name).containsExactlyElementsOf(Codecs.names());
        assertThat(Codecs.names()).containsExactly("unimllm", "florence2", "florence2-seg", "paligemma", "qwen-vl",
                "kosmos2", "shikra", "qwen2-vl", "qwen2.5-vl", "qwen3-vl", "internvl", "minicpm-v", "molmo", "cogvlm",
                "glm4v", "minigpt-v2", "ferret", "deepseek-vl2", "gemini");
        assertThat(Codecs.byName("qwen2_5_vl")).isInstanceOf(Qwen25VlCodec.class);
        assertThat(Codecs.byName("Qwen2.5-VL")).isInstanceOf(Qwen25VlCodec.class);
        assertThat(Codecs.byName("qwen2_vl")).isInstanceOf(Qwen2VlCodec.class);
        assertThat(Codecs.byName("CogAgent")).isInstanceOf(CogVlmCodec.class);
        assertThat(Codecs.byName("GLM-4.5V")).isInstanceOf(Glm4vCodec.class);
        assertThat(Codecs.byName("InternVL2.5")).isInstanceOf(InternVlCodec.class);
        assertThatThrownBy(() -> Codecs.byName("llava")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown grounding codec 'llava'").hasMessageContaining("kosmos2");
    }

    @Test
    void codecsRefuseGeometryTheirDialectCannotWrite() {
        Polygon triangle = new Polygon(List.of(new Point(1, 2), new Point(30, 2), new Point(10, 40)));
        assertThatThrownBy(() -> new QwenVlCodec().encode(Grounding.of(triangle), W, H))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Qwen-VL").hasMessageContaining(
                        "Polygon");
        assertThatThrownBy(() -> new MolmoCodec().encode(Grounding.of(new Box(0, 0, 1, 1)), W, H))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Molmo").hasMessageContaining("Box");
        assertThatThrownBy(() -> new Qwen3VlCodec().encode(Grounding.of(triangle), W, H))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Qwen3-VL");
        assertThatThrownBy(() -> new UnimllmCodec().encode(Grounding.of(new Box(0, 0, 1, 1)), 0, H))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image size");
    }
}
