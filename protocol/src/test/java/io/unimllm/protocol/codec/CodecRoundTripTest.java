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
                Arguments.of(new QwenVlCodec(), 1000, true, false, true),
                Arguments.of(new Kosmos2Codec(), 32, true, false, true),
                Arguments.of(new ShikraCodec(), 1000, true, false, false),
                Arguments.of(new Qwen2VlCodec(), 1000, true, false, true),
                Arguments.of(new Qwen25VlCodec(), RESIZED, true, false, true),
                Arguments.of(new Qwen3VlCodec(), 1000, true, false, true),
                Arguments.of(new InternVlCodec(), 1000, true, false, true),
                Arguments.of(new MiniCpmVCodec(), 1000, true, false, true),
                Arguments.of(new MolmoCodec(), 100, true, false, true),
                Arguments.of(new CogVlmCodec(), 1000, true, false, false),
                Arguments.of(new Glm4vCodec(), 1000, true, false, false),
                Arguments.of(new MiniGptV2Codec(), 100, true, false, true),
                Arguments.of(new FerretCodec(), 1000, true, false, false),
                Arguments.of(new DeepSeekVl2Codec(), 999, true, false, true),
                Arguments.of(new GeminiCodec(), 1000, true, false, true));
    }

    /** Steps per side for a frame in pixels of the model's resized input: the resized size. */
    private static final int RESIZED = -1;

    private static boolean writesBoxes(GroundingCodec codec) {
        return !codec.name().equals("florence2-seg") && !codec.name().equals("molmo");
    }

    /** One quantisation step along x (y when {@code alongY}) for the codec on a {@code w x h} image. */
    private static double step(GroundingCodec codec, int steps, int w, int h, boolean alongY) {
        if (steps == RESIZED) {
            CoordinateFrame.Scale s = ((Qwen25VlCodec) codec).frame().scale(w, h);
            return (alongY ? h / s.divisorY() : w / s.divisorX()) + 1e-9;
        }
        return (double) (alongY ? h : w) / steps + 1e-9;
    }

    /** A random image size; sides within Qwen's aspect-ratio limit of 200, which its resize rule refuses beyond. */
    private static int[] size(Random r) {
        int w = 1 + r.nextInt(4000);
        int h = Math.max(1 + w / 200, Math.min(w * 200, 1 + r.nextInt(4000)));
        return new int[] {w, h};
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
            int[] size = size(r);
            int w = size[0];
            int h = size[1];
            Box box = randomBox(r, w, h);
            String label = labels ? WORDS[r.nextInt(WORDS.length)] : null;
            String text = codec.encode(Grounding.of(box, label), w, h);

            List<Grounding> decoded = codec.decode(text, w, h);

            assertThat(decoded).as("%s decoding %s", codec, text).hasSize(1);
            assertThat(decoded.get(0).geometry()).isInstanceOf(Box.class);
            Box back = (Box) decoded.get(0).geometry();
            double tx = step(codec, steps, w, h, false);
            double ty = step(codec, steps, w, h, true);
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
            int[] size = size(r);
            int w = size[0];
            int h = size[1];
            Point p = randomPoint(r, w, h);
            String label = labels ? WORDS[r.nextInt(WORDS.length)] : null;
            String text = codec.encode(Grounding.of(p, label), w, h);

            List<Grounding> decoded = codec.decode(text, w, h);

            assertThat(decoded).as(text).hasSize(1);
            Point back = (Point) decoded.get(0).geometry();
            assertThat(back.x()).as(text).isCloseTo(p.x(), within(step(codec, steps, w, h, false)));
            assertThat(back.y()).as(text).isCloseTo(p.y(), within(step(codec, steps, w, h, true)));
            if (labels) {
                assertThat(decoded.get(0).label()).as(text).contains(label);
            }
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
            int[] size = size(r);
            int w = size[0];
            int h = size[1];
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
                assertThat(b.x1()).as(text).isCloseTo(a.x1(), within(step(codec, steps, w, h, false)));
                assertThat(b.y2()).as(text).isCloseTo(a.y2(), within(step(codec, steps, w, h, true)));
                assertThat(decoded.get(k).label()).isEqualTo(gs.get(k).label());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void labelsWithQuotesAndCommasSurvive(GroundingCodec codec, int steps, boolean points, boolean polygons,
            boolean labels) {
        if (!labels) {
            return;
        }
        String label = "the \"red\" car, 2nd";
        Grounding g = writesBoxes(codec) ? Grounding.of(new Box(10, 20, 300, 200), label)
                : points ? Grounding.of(new Point(10, 20), label)
                : Grounding.of(new Polygon(List.of(new Point(1, 2), new Point(300, 20), new Point(100, 400))), label);
        String text = codec.encode(g, 640, 480);

        List<Grounding> decoded = codec.decode(text, 640, 480);

        assertThat(decoded).as(text).singleElement().extracting(Grounding::label)
                .isEqualTo(java.util.Optional.of(label));
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
