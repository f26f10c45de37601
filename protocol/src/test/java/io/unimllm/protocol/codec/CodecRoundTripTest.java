package io.unimllm.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.geometry.SegmentationCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Property: encoding a random region and decoding it back lands within one quantisation step per coordinate. */
class CodecRoundTripTest {
    private static final int TRIALS = 400;
    private static final String[] WORDS = {"dog", "the red car", "a snowman", "person", "cup on the table"};

    /** codec, steps per image side (one step is the allowed error), writes boxes/points/polygons, keeps labels. */
    static Stream<Arguments> codecs() {
        return Stream.of(
                Arguments.of(new UnimllmCodec(), 1000, true, true, false),
                Arguments.of(new Florence2Codec(), 1000, true, true, true),
                Arguments.of(new Florence2Codec(Florence2Codec.Mode.SEGMENTATION), 1000, false, true, true),
                Arguments.of(new PaliGemmaCodec(), 1024, false, false, true),
                Arguments.of(new QwenVlCodec(), 1000, false, false, true),
                Arguments.of(new Kosmos2Codec(), 32, false, false, true),
                Arguments.of(new ShikraCodec(), 1000, true, false, false));
    }

    private static boolean writesBoxes(GroundingCodec codec) {
        return !codec.name().equals("florence2-seg");
    }

    @org.junit.jupiter.api.Test
    void florenceSegmentationModeRefusesBoxes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Florence2Codec(Florence2Codec.Mode.SEGMENTATION)
                .encode(Grounding.of(new Box(1, 2, 3, 4)), 10, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("polygons only");
    }

    private static Box randomBox(Random r, int w, int h) {
        double x1 = r.nextDouble() * w;
        double y1 = r.nextDouble() * h;
        return new Box(x1, y1, x1 + r.nextDouble() * (w - x1), y1 + r.nextDouble() * (h - y1));
    }

    private static Point randomPoint(Random r, int w, int h) {
        return new Point(r.nextDouble() * w, r.nextDouble() * h);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void boxesSurviveEncodeDecodeWithinOneStep(GroundingCodec codec, int steps, boolean points, boolean polygons,
            boolean labels) {
        if (!writesBoxes(codec)) {
            return;
        }
        Random r = new Random(codec.name().hashCode());
        for (int i = 0; i < TRIALS; i++) {
            int w = 1 + r.nextInt(4000);
            int h = 1 + r.nextInt(4000);
            Box box = randomBox(r, w, h);
            String label = labels ? WORDS[r.nextInt(WORDS.length)] : null;
            String text = codec.encode(Grounding.of(box, label), w, h);

            List<Grounding> decoded = codec.decode(text, w, h);

            assertThat(decoded).as("%s decoding %s", codec, text).hasSize(1);
            assertThat(decoded.get(0).geometry()).isInstanceOf(Box.class);
            Box back = (Box) decoded.get(0).geometry();
            double tx = (double) w / steps + 1e-9;
            double ty = (double) h / steps + 1e-9;
            assertThat(back.x1()).as(text).isCloseTo(box.x1(), within(tx));
            assertThat(back.y1()).as(text).isCloseTo(box.y1(), within(ty));
            assertThat(back.x2()).as(text).isCloseTo(box.x2(), within(tx));
            assertThat(back.y2()).as(text).isCloseTo(box.y2(), within(ty));
            if (labels) {
                assertThat(decoded.get(0).label()).contains(label);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void pointsSurviveEncodeDecodeWithinOneStep(GroundingCodec codec, int steps, boolean points, boolean polygons,
            boolean labels) {
        if (!points) {
            return;
        }
        Random r = new Random(codec.name().hashCode() + 1);
        for (int i = 0; i < TRIALS; i++) {
            int w = 1 + r.nextInt(4000);
            int h = 1 + r.nextInt(4000);
            Point p = randomPoint(r, w, h);
            String text = codec.encode(Grounding.of(p), w, h);

            List<Grounding> decoded = codec.decode(text, w, h);

            assertThat(decoded).as(text).hasSize(1);
            Point back = (Point) decoded.get(0).geometry();
            assertThat(back.x()).as(text).isCloseTo(p.x(), within((double) w / steps + 1e-9));
            assertThat(back.y()).as(text).isCloseTo(p.y(), within((double) h / steps + 1e-9));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void polygonsSurviveEncodeDecodeWithinOneStep(GroundingCodec codec, int steps, boolean points,
            boolean polygons, boolean labels) {
        if (!polygons) {
            return;
        }
        Random r = new Random(codec.name().hashCode() + 2);
        for (int i = 0; i < TRIALS; i++) {
            int w = 1 + r.nextInt(4000);
            int h = 1 + r.nextInt(4000);
            List<Point> vertices = new ArrayList<>();
            int n = 3 + r.nextInt(10);
            for (int k = 0; k < n; k++) {
                vertices.add(randomPoint(r, w, h));
            }
            String text = codec.encode(Grounding.of(new Polygon(vertices)), w, h);

            List<Grounding> decoded = codec.decode(text, w, h);

            assertThat(decoded).as(text).hasSize(1);
            List<Point> back = ((Polygon) decoded.get(0).geometry()).vertices();
            assertThat(back).hasSize(n);
            for (int k = 0; k < n; k++) {
                assertThat(back.get(k).x()).isCloseTo(vertices.get(k).x(), within((double) w / steps + 1e-9));
                assertThat(back.get(k).y()).isCloseTo(vertices.get(k).y(), within((double) h / steps + 1e-9));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void severalGroundingsDecodeInOrder(GroundingCodec codec, int steps, boolean points, boolean polygons,
            boolean labels) {
        if (!writesBoxes(codec)) {
            return;
        }
        Random r = new Random(codec.name().hashCode() + 3);
        for (int i = 0; i < TRIALS / 4; i++) {
            int w = 1 + r.nextInt(4000);
            int h = 1 + r.nextInt(4000);
            List<Grounding> gs = new ArrayList<>();
            int n = 1 + r.nextInt(4);
            for (int k = 0; k < n; k++) {
                gs.add(Grounding.of(randomBox(r, w, h), labels ? WORDS[k] : null));
            }
            String text = codec.encodeAll(gs, w, h);

            List<Grounding> decoded = codec.decode(text, w, h);

            assertThat(decoded).as(text).hasSize(n);
            for (int k = 0; k < n; k++) {
                Box a = (Box) gs.get(k).geometry();
                Box b = (Box) decoded.get(k).geometry();
                assertThat(b.x1()).as(text).isCloseTo(a.x1(), within((double) w / steps + 1e-9));
                assertThat(b.y2()).as(text).isCloseTo(a.y2(), within((double) h / steps + 1e-9));
                assertThat(decoded.get(k).label()).isEqualTo(gs.get(k).label());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void paliGemmaMaskCodesAreHandedOnAsCodes() {
        PaliGemmaCodec codec = new PaliGemmaCodec();
        Random r = new Random(7);
        for (int i = 0; i < TRIALS / 4; i++) {
            int w = 1 + r.nextInt(4000);
            int h = 1 + r.nextInt(4000);
            int[] codes = r.ints(16, 0, 128).toArray();
            Box box = randomBox(r, w, h);
            String text = codec.encode(Grounding.of(new SegmentationCodes(box, codes, PaliGemmaCodec.CODEBOOK),
                    "cat"), w, h);

            List<Grounding> decoded = codec.decode(text, w, h);

            assertThat(decoded).hasSize(1);
            SegmentationCodes s = (SegmentationCodes) decoded.get(0).geometry();
            assertThat(s.codes()).containsExactly(codes);
            assertThat(s.codebook()).isEqualTo("paligemma-vqvae");
            assertThat(s.box().x1()).isCloseTo(box.x1(), within(w / 1024.0 + 1e-9));
            assertThat(decoded.get(0).label()).contains("cat");
        }
    }
}
