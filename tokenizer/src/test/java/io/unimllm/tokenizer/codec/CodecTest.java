package io.unimllm.tokenizer.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.geometry.SegmentationCodes;
import io.unimllm.tokenizer.protocol.OutputParser;
import io.unimllm.tokenizer.protocol.ParsedOutput;
import io.unimllm.tokenizer.protocol.TaskVocabulary;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every dialect: random regions survive encode -> decode within one bin; real model outputs decode as expected. */
class CodecTest {
    static List<GroundingCodec> codecs() {
        return Codecs.all();
    }

    /** Bin width in pixels of a codec along an axis of the given size. */
    private static double bin(GroundingCodec c, int size) {
        return switch (c.name()) {
            case "paligemma" -> size / 1024.0;
            case "kosmos-2" -> size / 32.0;
            case "shikra" -> size / 1000.0;
            default -> size / 1000.0;
        };
    }

    private static Grounding one(GroundingCodec c, String text, int w, int h) {
        GroundingCodec.Scan scan = c.scan(text, w, h, true);
        assertThat(scan.warnings()).as(text).isEmpty();
        assertThat(scan.matches()).as(text).hasSize(1);
        return scan.matches().get(0).grounding();
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void randomBoxesRoundTripWithinOneBin(GroundingCodec c) {
        Random r = new Random(c.name().hashCode());
        for (int i = 0; i < 300; i++) {
            int w = 16 + r.nextInt(2000);
            int h = 16 + r.nextInt(2000);
            double x1 = r.nextDouble() * w * 0.9;
            double y1 = r.nextDouble() * h * 0.9;
            Box b = new Box(x1, y1, x1 + 1 + r.nextDouble() * (w - x1 - 1), y1 + 1 + r.nextDouble() * (h - y1 - 1));
            String text = c.encode(Grounding.of(b), w, h);
            Box got = (Box) one(c, text, w, h).geometry();
            double tx = bin(c, w) + 1e-6;
            double ty = bin(c, h) + 1e-6;
            assertThat(got.x1()).as("%s %s", c.name(), text).isCloseTo(b.x1(), within(tx));
            assertThat(got.y1()).as("%s %s", c.name(), text).isCloseTo(b.y1(), within(ty));
            assertThat(got.x2()).as("%s %s", c.name(), text).isCloseTo(b.x2(), within(tx));
            assertThat(got.y2()).as("%s %s", c.name(), text).isCloseTo(b.y2(), within(ty));
        }
    }

    @Test
    void pointsAndPolygonsRoundTripWhereTheDialectHasThem() {
        Random r = new Random(3);
        for (GroundingCodec c : List.of(new UnimllmCodec(), LocTokenCodec.florence2(), new ShikraCodec())) {
            for (int i = 0; i < 100; i++) {
                Point p = new Point(r.nextDouble() * 640, r.nextDouble() * 480);
                Point got = (Point) one(c, c.encode(Grounding.of(p), 640, 480), 640, 480).geometry();
                assertThat(got.x()).isCloseTo(p.x(), within(0.65));
                assertThat(got.y()).isCloseTo(p.y(), within(0.49));
            }
        }
        Polygon poly = new Polygon(List.of(new Point(10, 10), new Point(100, 20), new Point(50, 90)));
        GroundingCodec f = LocTokenCodec.florence2();
        Polygon got = (Polygon) one(f, f.encode(Grounding.of(poly), 200, 100), 200, 100).geometry();
        assertThat(got.vertices()).hasSize(3);
        assertThat(got.vertices().get(1).x()).isCloseTo(100, within(0.2));
    }

    @Test
    void florence2ObjectDetectionOutput() {
        // <OD> output as Florence-2 prints it, for a 1000x500 image
        GroundingCodec.Scan s = LocTokenCodec.florence2().scan(
                "car<loc_52><loc_333><loc_932><loc_774>door<loc_100><loc_200><loc_150><loc_400>", 1000, 500, true);
        assertThat(s.matches()).hasSize(2);
        Grounding car = s.matches().get(0).grounding();
        assertThat(car.label()).contains("car");
        Box b = (Box) car.geometry();
        assertThat(b.x1()).isCloseTo(52.5, within(1e-9));
        assertThat(b.y1()).isCloseTo(166.75, within(1e-9));
        assertThat(b.x2()).isCloseTo(932.5, within(1e-9));
        assertThat(b.y2()).isCloseTo(387.25, within(1e-9));
        assertThat(s.matches().get(1).grounding().label()).contains("door");
    }

    @Test
    void paliGemmaDetectionAndSegmentationOutput() {
        GroundingCodec.Scan s = LocTokenCodec.paligemma().scan(
                "<loc0256><loc0128><loc0768><loc0896> cat ; <loc0000><loc0000><loc0512><loc0512> dog", 1024, 512, true);
        assertThat(s.matches()).hasSize(2);
        Box cat = (Box) s.matches().get(0).grounding().geometry();
        assertThat(s.matches().get(0).grounding().label()).contains("cat");
        // y first: y1 = 256/1024*512 = 128, x1 = 128/1024*1024 = 128, y2 = 384, x2 = 896
        assertThat(new double[] {cat.x1(), cat.y1(), cat.x2(), cat.y2()}).containsExactly(128, 128, 896, 384);
        assertThat(s.matches().get(1).grounding().label()).contains("dog");
        StringBuilder seg = new StringBuilder("<loc0100><loc0200><loc0300><loc0400>");
        for (int i = 0; i < 16; i++) {
            seg.append(String.format("<seg%03d>", i * 7));
        }
        Grounding g = one(LocTokenCodec.paligemma(), seg + " person", 1024, 1024);
        assertThat(g.geometry()).isInstanceOf(SegmentationCodes.class);
        assertThat(((SegmentationCodes) g.geometry()).codes()).hasSize(16).contains(105);
        assertThat(g.label()).contains("person");
    }

    @Test
    void qwenVlReferenceAndBox() {
        Grounding g = one(new QwenVlCodec(), "<ref>the dog</ref><box>(120,300),(560,880)</box>", 1000, 500);
        assertThat(g.label()).contains("the dog");
        Box b = (Box) g.geometry();
        assertThat(new double[] {b.x1(), b.y1(), b.x2(), b.y2()}).containsExactly(120, 150, 560, 440);
    }

    @Test
    void kosmos2PhraseAndPatchIndices() {
        // cell 44 = row 1, col 12; cell 863 = row 26, col 31 on a 32x32 grid over 640x320
        Grounding g = one(new Kosmos2Codec(),
                "<phrase>a snowman</phrase><object><patch_index_0044><patch_index_0863></object>", 640, 320);
        assertThat(g.label()).contains("a snowman");
        Box b = (Box) g.geometry();
        assertThat(new double[] {b.x1(), b.y1(), b.x2(), b.y2()}).containsExactly(240, 10, 640, 270);
        GroundingCodec.Scan two = new Kosmos2Codec().scan("<object><patch_index_0000><patch_index_0033>"
                + "</delimiter_of_multi_objects/><patch_index_0100><patch_index_0200></object>", 32, 32, true);
        assertThat(two.matches()).hasSize(2);
    }

    @Test
    void shikraNormalisedBoxesInText() {
        GroundingCodec.Scan s = new ShikraCodec().scan("The man [0.102,0.192,0.486,0.788;0.500,0.200,0.900,0.800] "
                + "holds a cup [0.5,0.5] (see [note]).", 1000, 500, true);
        assertThat(s.matches()).hasSize(3);
        Box b = (Box) s.matches().get(0).grounding().geometry();
        assertThat(b.x1()).isCloseTo(102, within(1e-9));
        assertThat(b.y2()).isCloseTo(394, within(1e-9));
        assertThat(s.matches().get(2).grounding().geometry()).isEqualTo(new Point(500, 250));
    }

    @Test
    void taskTokensCombineWithAnyDialect() {
        OutputParser p = new OutputParser(TaskVocabulary.defaults(), new QwenVlCodec(), false, 1000, 1000);
        ParsedOutput out = p.parse("<task_seg>dog</task><ref>dog</ref><box>(1,2),(3,4)</box>");
        assertThat(out.warnings()).isEmpty();
        assertThat(out.tasks().get(0).groundings()).hasSize(1);
        assertThat(out.tasks().get(0).groundings().get(0).label()).contains("dog");
    }
}
