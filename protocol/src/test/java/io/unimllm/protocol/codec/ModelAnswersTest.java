package io.unimllm.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.protocol.TaskVocabulary;
import io.unimllm.protocol.TextSpan;
import io.unimllm.protocol.parse.OutputParser;
import io.unimllm.protocol.parse.ParsedOutput;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Answers as the public models print them, decoded into pixels of the original image. Each answer's source is
 * named: the model's repository, card or demo, or the issue thread that quoted it. Where a source gives the grammar
 * but no printed answer the numbers are illustrative and say so. docs/protocol.md lists the same sources.
 */
class ModelAnswersTest {
    private static final int W = 640;
    private static final int H = 480;

    private static void assertBox(Grounding g, double x1, double y1, double x2, double y2, String label) {
        assertThat(g.geometry()).isInstanceOf(Box.class);
        Box b = (Box) g.geometry();
        assertThat(new double[] {b.x1(), b.y1(), b.x2(), b.y2()})
                .containsExactly(new double[] {x1, y1, x2, y2}, within(1e-9));
        assertThat(g.label()).isEqualTo(Optional.ofNullable(label));
    }

    private static void assertPoint(Grounding g, double x, double y, String label) {
        assertThat(g.geometry()).isInstanceOf(Point.class);
        Point p = (Point) g.geometry();
        assertThat(new double[] {p.x(), p.y()}).containsExactly(new double[] {x, y}, within(1e-9));
        assertThat(g.label()).isEqualTo(Optional.ofNullable(label));
    }

    private static ParsedOutput parse(String codec, String answer, int w, int h) {
        return new OutputParser(Codecs.byName(codec), TaskVocabulary.defaults(), w, h).parse(answer);
    }

    @Test
    void qwen2VlThousandthsWithObjectRefTokens() {
        // ms-swift issue 3511 (Qwen2-VL's own format, quoted by the ms-swift maintainers)
        ParsedOutput out = parse("qwen2-vl", "<|object_ref_start|>一只狗<|object_ref_end|><|box_start|>(221,423),(569,886)"
                + "<|box_end|>和<|object_ref_start|>一个女人<|object_ref_end|><|box_start|>(451,381),(733,793)<|box_end|>"
                + "正在沙滩上玩耍", W, H);

        assertThat(out.warnings()).isEmpty();
        assertThat(out.freeGroundings()).hasSize(2);
        assertBox(out.freeGroundings().get(0), 141.44, 203.04, 364.16, 425.28, "一只狗"); // q * size / 1000
        assertBox(out.freeGroundings().get(1), 288.64, 182.88, 469.12, 380.64, "一个女人");
        assertThat(out.text()).isEqualTo("和正在沙滩上玩耍");
        // QwenLM/Qwen3-VL issue 9 (a Qwen2-VL answer)
        assertBox(Codecs.byName("qwen2-vl").decode("<|object_ref_start|>击掌<|object_ref_end|><|box_start|>"
                + "(531,516),(581,596)<|box_end|>", 1000, 1000).get(0), 531, 516, 581, 596, "击掌");
    }

    @Test
    void qwen2VlBoxWithOnePointIsAClick() {
        // ms-swift issue 3511: a GUI action, "Action: click(start_box='<|box_start|>(246,113)<|box_end|>')"
        List<Grounding> gs = Codecs.byName("qwen2-vl").decode(
                "Action: click(start_box='<|box_start|>(246,113)<|box_end|>')", W, H);

        assertThat(gs).hasSize(1);
        assertPoint(gs.get(0), 157.44, 54.24, null);
    }

    @Test
    void qwen25VlCountsPixelsOfItsResizedInput() {
        // QwenLM/Qwen3-VL issue 1035: a 368x434 image, smart_resize 364x448, the model answered [19, 300, 154, 476]
        // (the prompt asked for JSON; 476 is past the resized height, which the maintainers explained)
        String answer = "```json\n[\n\t{\"bbox_2d\": [19, 300, 154, 476], \"label\": \"the metal head of the trowel\"}"
                + "\n]\n```";
        ParsedOutput out = parse("qwen2.5-vl", answer, 368, 434);

        assertThat(out.freeGroundings()).hasSize(1);
        // q * original / resized: 19 * 368 / 364, 300 * 434 / 448, 154 * 368 / 364, 448 * 434 / 448
        assertBox(out.freeGroundings().get(0), 19.0 * 368 / 364, 290.625, 154.0 * 368 / 364, 434,
                "the metal head of the trowel");
        assertThat(out.warnings()).extracting(ParseWarning::kind).containsExactly(ParseWarning.Kind.OUT_OF_RANGE);
        assertThat(out.warnings().get(0).message()).isEqualTo(
                "Qwen2.5-VL \"bbox_2d\" coordinate 476 outside 0..448; clamped to 448");
        assertThat(out.text()).isEmpty();
        // the same with the resized size given directly (as image_grid_thw * 14 reports it)
        assertThat(Qwen25VlCodec.forResizedInput(364, 448).decode(answer, 368, 434))
                .isEqualTo(out.freeGroundings());
    }

    @Test
    void qwen25VlFencedAnswerOnA640By480Image() {
        // the fenced form as Qwen2.5-VL prints it (quoted in a public blog post on parsing its output);
        // 640x480 resizes to 644x476
        List<Grounding> gs = Codecs.byName("qwen2.5-vl").decode("```json\n[\n\t{\"bbox_2d\": [359, 170, 580, 326], "
                + "\"label\": \"a truck number 14 on a snow bank\"}\n]\n```", W, H);

        assertThat(gs).hasSize(1);
        assertBox(gs.get(0), 359.0 * 640 / 644, 170.0 * 480 / 476, 580.0 * 640 / 644, 326.0 * 480 / 476,
                "a truck number 14 on a snow bank");
    }

    @Test
    void qwen25VlXmlPointsAreInTheSameFrame() {
        // the XML point form of the Qwen2.5-VL cookbook (decode_xml_points reads x1, y1, ... and alt); numbers
        // illustrative
        List<Grounding> gs = Codecs.byName("qwen2.5-vl").decode(
                "<points x1=\"322\" y1=\"238\" x2=\"100\" y2=\"50\" alt=\"rolling pin\">rolling pin</points>", W, H);

        assertThat(gs).hasSize(2);
        assertPoint(gs.get(0), 322.0 * 640 / 644, 238.0 * 480 / 476, "rolling pin");
        assertPoint(gs.get(1), 100.0 * 640 / 644, 50.0 * 480 / 476, "rolling pin");
    }

    @Test
    void qwen3VlIsThousandthsOfTheOriginalImage() {
        // a Qwen3-VL answer quoted in a public test of a screen-reading tool (2000x1400 screenshot, expected box
        // [1234, 826, 1664, 940.8] there too)
        List<Grounding> gs = Codecs.byName("qwen3-vl").decode("Sure! Here it is:\n```json\n[\n\t{\"bbox_2d\": "
                + "[617, 590, 832, 672], \"label\": \"blue Subscribe button\"}\n]\n```", 2000, 1400);

        assertThat(gs).hasSize(1);
        assertBox(gs.get(0), 1234, 826, 1664, 940.8, "blue Subscribe button");
        // Qwen3-VL's XML point answer, '<points x1="745" y1="312"></points>' (quoted in a ScreenSpot evaluator)
        List<Grounding> pts = Codecs.byName("qwen3-vl").decode("<points x1=\"745\" y1=\"312\"></points>", 2000, 1400);
        assertThat(pts).hasSize(1);
        assertPoint(pts.get(0), 1490, 436.8, null);
    }

    @Test
    void internVlRefAndDoubleBracketBox() {
        // OpenGVLab/InternVL issue 227, the maintainers' format: <ref>XXX</ref><box>[[253, 231, 733, 787]]</box>
        List<Grounding> gs = Codecs.byName("internvl").decode(
                "<ref>the bird</ref><box>[[253, 231, 733, 787]]</box>", W, H);

        assertThat(gs).hasSize(1);
        assertBox(gs.get(0), 161.92, 110.88, 469.12, 377.76, "the bird");
    }

    @Test
    void internVlWithItsTagsDecodedAway() {
        // OpenGVLab/InternVL issue 953: InternVL2.5-8B's answer as printed with special tokens skipped
        ParsedOutput out = parse("internvl", "car[[75, 658, 250, 871], [286, 558, 444, 711]]\ntruck[[440, 208, 502, 255]]"
                + "\npedestrian[[0, 1000, 999, 998]]", 1000, 1000);

        assertThat(out.freeGroundings()).hasSize(4);
        assertBox(out.freeGroundings().get(0), 75, 658, 250, 871, null);
        assertBox(out.freeGroundings().get(1), 286, 558, 444, 711, null);
        assertBox(out.freeGroundings().get(3), 0, 998, 999, 1000, null);
        assertThat(out.warnings()).extracting(ParseWarning::kind)
                .containsExactly(ParseWarning.Kind.SWAPPED_CORNERS);
        assertThat(out.text()).isEqualTo("car truck pedestrian");
    }

    @Test
    void miniCpmVSpaceSeparatedThousandths() {
        // the schema the MiniCPM-V maintainers give (OpenBMB/MiniCPM-V issues 982, 772 and 185: <ref>...</ref>
        // <box>x1 y1 x2 y2</box> normalised to 0-1000, <point>x1 y1</point>); numbers illustrative
        List<Grounding> gs = Codecs.byName("minicpm-v").decode(
                "<ref>book</ref><box>120 300 560 880</box> and <point>500 500</point>", W, H);

        assertThat(gs).hasSize(2);
        assertBox(gs.get(0), 76.8, 144, 358.4, 422.4, "book");
        assertPoint(gs.get(1), 320, 240, null);
    }

    @Test
    void molmoPointsArePercent() {
        // Molmo's point format (allenai/molmo points_to_text / extract_points), answers as quoted in a public test
        List<Grounding> gs = Codecs.byName("molmo").decode(
                "<point x=\"52.3\" y=\"61.0\" alt=\"the dog\">the dog</point>", 200, 100);
        assertThat(gs).hasSize(1);
        assertPoint(gs.get(0), 104.6, 61.0, "the dog");

        gs = Codecs.byName("molmo").decode(
                "<points x1=\"10.0\" y1=\"20.0\" x2=\"30.0\" y2=\"40.0\" alt=\"hands\">hands</points>", 100, 100);
        assertThat(gs).hasSize(2);
        assertPoint(gs.get(0), 10, 20, "hands");
        assertPoint(gs.get(1), 30, 40, "hands");
    }

    @Test
    void cogVlmZeroPaddedThousandths() {
        // zai-org/CogVLM issue 46: "the coordinates of the person is [[097, 514, 283, 996]]" on a 288x296 image
        List<Grounding> gs = Codecs.byName("cogvlm").decode(
                "the coordinates of the person is [[097, 514, 283, 996]]", 288, 296);
        assertThat(gs).hasSize(1);
        assertBox(gs.get(0), 27.936, 152.144, 81.504, 294.816, null); // q / 1000 * size
        // CogAgent (CogVLM README): the [combobox] stays text
        ParsedOutput out = parse("cogvlm",
                "Grounded Operation:[combobox] Search -> TYPE: CogVLM at the box [[212,498,787,564]]", 1000, 1000);
        assertThat(out.freeGroundings()).hasSize(1);
        assertBox(out.freeGroundings().get(0), 212, 498, 787, 564, null);
        assertThat(out.text()).isEqualTo("Grounded Operation:[combobox] Search -> TYPE: CogVLM at the box");
        // several boxes of one phrase: [[coord_1;coord_2]] (zai-org/CogVLM issue 25, utils/parser.py)
        assertThat(Codecs.byName("cogvlm").decode("two dogs[[086,540,400,760;100,200,300,400]]", 1000, 1000))
                .hasSize(2);
    }

    @Test
    void glm4vBoxMarkers() {
        // GLM-4.6V served by vLLM (an AMD ROCm blog post's printed response)
        ParsedOutput out = parse("glm4v", "\nThe coordinates of the second bottle of beer from the right on the table "
                + "are <|begin_of_box|>[[94,598,177,991]]<|end_of_box|>.", W, H);
        assertThat(out.warnings()).isEmpty();
        assertThat(out.freeGroundings()).hasSize(1);
        assertBox(out.freeGroundings().get(0), 60.16, 287.04, 113.28, 475.68, null);
        // GLM-4.5V (quoted in a GUI-grounding evaluation script)
        assertBox(Codecs.byName("glm4v").decode("The bounding box for the 'wall_95' entry in the Outliner list is "
                + "<|begin_of_box|>[816, 162, 838, 172]<|end_of_box|>.", 1000, 1000).get(0), 816, 162, 838, 172, null);
        // the markers also wrap plain answers: those stay text
        ParsedOutput plain = parse("glm4v", "The answer is <|begin_of_box|>B<|end_of_box|>", W, H);
        assertThat(plain.warnings()).isEmpty();
        assertThat(plain.segments()).containsExactly(new TextSpan("The answer is <|begin_of_box|>B<|end_of_box|>"));
    }

    @Test
    void miniGptV2HundredthsWithDelim() {
        // MiniGPT-v2 answers as printed in comments of a public copy of demo_v2.py
        List<Grounding> gs = Codecs.byName("minigpt-v2").decode(
                "<p>sofas</p> {<57><49><70><72>}<delim>{<26><48><43><71>}", W, H);
        assertThat(gs).hasSize(2);
        assertBox(gs.get(0), 364.8, 235.2, 448, 345.6, "sofas"); // q / 100 * size
        assertBox(gs.get(1), 166.4, 230.4, 275.2, 340.8, "sofas");
        assertBox(Codecs.byName("minigpt-v2").decode("<p>his desk</p> {<0><85><100><100>}", W, H).get(0),
                0, 408, 640, 480, "his desk");
    }

    @Test
    void ferretBracketsAfterPhrases() {
        // the form apple/ml-ferret's demo reads ("[x1, y1, x2, y2]", integers over VOCAB_IMAGE_W = 1000); the boxes
        // are the reference answer of ml-ferret's ground_conv question 0, on Ferret's integer grid
        ParsedOutput out = parse("ferret", "The man [201, 2, 940, 758] is performing a trick on a skateboard "
                + "[12, 746, 664, 886]. See [1, 2, 3].", W, H);

        assertThat(out.freeGroundings()).hasSize(2);
        assertBox(out.freeGroundings().get(0), 128.64, 0.96, 601.6, 363.84, null);
        assertBox(out.freeGroundings().get(1), 7.68, 358.08, 424.96, 425.28, null);
        assertThat(out.text()).isEqualTo("The man is performing a trick on a skateboard . See [1, 2, 3].");
    }

    @Test
    void deepSeekVl2DividesBy999() {
        // deepseek-ai/DeepSeek-VL2 README
        List<Grounding> gs = Codecs.byName("deepseek-vl2").decode(
                "<|ref|>The giraffe at the back.<|/ref|><|det|>[[580, 270, 999, 900]]<|/det|>", W, H);

        assertThat(gs).hasSize(1);
        assertBox(gs.get(0), 580.0 * 640 / 999, 270.0 * 480 / 999, 640, 900.0 * 480 / 999, "The giraffe at the back.");
    }

    @Test
    void geminiBoxesAreYFirst() {
        // Gemini's native form as quoted in a public gist, with the screenshot's size (1906 x 1360)
        List<Grounding> gs = Codecs.byName("gemini").decode("[{\"box_2d\": [6, 246, 386, 526], \"label\": "
                + "\"Apple logo\"}, {\"box_2d\": [234, 649, 650, 863], \"label\": \"Search button\"}]", 1906, 1360);

        assertThat(gs).hasSize(2);
        assertBox(gs.get(0), 468.876, 8.16, 1002.556, 524.96, "Apple logo"); // [ymin, xmin, ymax, xmax] / 1000
        assertBox(gs.get(1), 1236.994, 318.24, 1644.878, 884, "Search button");
        List<Grounding> p = Codecs.byName("gemini").decode("[{\"point\": [500, 250], \"label\": \"cup\"}]", 1000, 800);
        assertPoint(p.get(0), 250, 400, "cup"); // [y, x]
    }
}
