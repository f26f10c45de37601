package io.unimllm.protocol.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.protocol.ProtocolException;
import io.unimllm.protocol.TaskCall;
import io.unimllm.protocol.TaskVocabulary;
import io.unimllm.protocol.TextSpan;
import io.unimllm.protocol.codec.Codecs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The malformed output each newer dialect invites, in lenient mode (what is repaired or dropped, and the warning) and
 * strict mode (the same message as a {@link ProtocolException}). Image 1000 x 500, so thousandths read easily.
 */
class DialectBadOutputTest {
    private static final int W = 1000;
    private static final int H = 500;

    private static ParsedOutput lenient(String codec, String text) {
        return new OutputParser(Codecs.byName(codec), TaskVocabulary.defaults(), W, H).parse(text);
    }

    /** Parses leniently, checks the warnings' kinds and the first one's position, and checks strict mode. */
    private static ParsedOutput parse(String codec, String text, int firstCharIndex, Kind... kinds) {
        ParsedOutput out = lenient(codec, text);
        assertThat(out.warnings()).extracting(ParseWarning::kind).as(text).containsExactly(kinds);
        ParseWarning first = out.warnings().get(0);
        assertThat(first.charIndex()).as("position of %s", first).isEqualTo(firstCharIndex);
        OutputParser strict = new OutputParser(Codecs.byName(codec), TaskVocabulary.defaults(), W, H,
                ParserOptions.strict(true));
        assertThatThrownBy(() -> strict.parse(text)).isInstanceOf(ProtocolException.class)
                .hasMessage(first.describe());
        return out;
    }

    private static Box box(double x1, double y1, double x2, double y2) {
        return new Box(x1, y1, x2, y2);
    }

    // ---- JSON dialects (Qwen2.5-VL, Qwen3-VL, GLM, Gemini) ----

    @Test
    void jsonBlockCutOffAtMaxTokensKeepsTheCompleteObjects() {
        // the cut-off answer a public Qwen3-VL detector test salvages
        String text = "```json\n[\n\t{\"bbox_2d\": [100, 200, 300, 400], \"label\": \"player\"},\n\t{\"bbox_2d\": [10, 20,";
        ParsedOutput out = parse("qwen3-vl", text, 8, Kind.UNTERMINATED_GROUNDING);

        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(100, 100, 300, 200), "player"));
        assertThat(out.warnings().get(0).message()).contains("kept the 1 complete grounding");
        assertThat(out.text()).isEmpty();
        // cut inside the label of the first object: nothing complete survives, nothing stays as text
        out = parse("qwen3-vl", "Here:\n```json\n[{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"pla", 14,
                Kind.UNTERMINATED_GROUNDING);
        assertThat(out.segments()).containsExactly(new TextSpan("Here:\n"));
        // cut right after the fence opened
        parse("qwen2.5-vl", "```json\n", 0, Kind.UNTERMINATED_GROUNDING);
    }

    @Test
    void fenceWithoutJsonStaysText() {
        for (String codec : List.of("qwen2.5-vl", "qwen3-vl", "glm4v", "gemini")) {
            for (String text : List.of("```json\nI cannot find a cat in this image.\n```",
                    "```python\nprint([1, 2])\n```", "```json\n{\"answer\": \"no cat\"}\n```", "see [1] and {x}")) {
                ParsedOutput out = lenient(codec, text);
                assertThat(out.warnings()).as("%s: %s", codec, text).isEmpty();
                assertThat(out.segments()).as("%s: %s", codec, text).containsExactly(new TextSpan(text));
            }
        }
    }

    @Test
    void labelWithAnUnescapedQuoteIsReadWithARepairWarning() {
        String text = "[{\"bbox_2d\": [10, 20, 30, 40], \"label\": \"the \"red\" car\"}]";
        ParsedOutput out = parse("qwen3-vl", text, text.indexOf("\"red"), Kind.REPAIRED_SYNTAX);

        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(10, 10, 30, 20), "the \"red\" car"));
        // an escaped quote is plain JSON: no warning
        ParsedOutput ok = lenient("qwen3-vl", "[{\"bbox_2d\": [10, 20, 30, 40], \"label\": \"the \\\"red\\\" car\"}]");
        assertThat(ok.warnings()).isEmpty();
        assertThat(ok.freeGroundings()).containsExactly(Grounding.of(box(10, 10, 30, 20), "the \"red\" car"));
    }

    @Test
    void objectsWithoutCommasAsSomeTrainingDataWritesThemAreRepaired() {
        // the layout of ms-swift's Qwen2.5-VL/Qwen3-VL grounding template (ms-swift PR 6178): no comma between objects
        String text = "[\n\t{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"羊\"}\n\t{\"bbox_2d\": [5, 6, 7, 8], \"label\": \"羊\"}\n]";
        ParsedOutput out = parse("qwen3-vl", text, text.indexOf("{", 5), Kind.REPAIRED_SYNTAX);
        assertThat(out.freeGroundings()).hasSize(2);
        // Python literals, as ast.literal_eval in Qwen's cookbook accepts them
        out = parse("qwen3-vl", "[{'bbox_2d': [1, 2, 3, 4], 'label': 'dog'},]", 2, Kind.REPAIRED_SYNTAX,
                Kind.REPAIRED_SYNTAX, Kind.REPAIRED_SYNTAX, Kind.REPAIRED_SYNTAX);
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(1, 1, 3, 2), "dog"));
    }

    @Test
    void jsonSyntaxErrorKeepsTheGroundingsBeforeIt() {
        String text = "[{\"bbox_2d\": [1, 2, 3, 4]}, {\"bbox_2d\": oops}] done";
        ParsedOutput out = parse("qwen3-vl", text, text.indexOf("oops"), Kind.MALFORMED_GROUNDING);

        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(1, 1, 3, 2)));
        assertThat(out.text()).isEqualTo("oops}] done");
    }

    @Test
    void jsonBoxWithOnePointIsAPointAndOtherCountsAreDropped() {
        ParsedOutput out = lenient("qwen3-vl", "{\"bbox_2d\": [500, 500], \"label\": \"cup\"}");
        assertThat(out.warnings()).isEmpty();
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(new Point(500, 250), "cup"));

        parse("qwen3-vl", "[{\"bbox_2d\": [1, 2, 3]}]", 13, Kind.WRONG_ARITY);
        parse("qwen3-vl", "[{\"point_2d\": [1, 2, 3, 4]}]", 14, Kind.WRONG_ARITY);
        parse("qwen3-vl", "[{\"bbox_2d\": \"1, 2, 3, 4\"}]", 13, Kind.MALFORMED_GROUNDING);
    }

    @Test
    void jsonNumbersOutOfRangeAreClamped() {
        String text = "[{\"bbox_2d\": [10, 20, 1200, 40]}]";
        ParsedOutput out = parse("qwen3-vl", text, text.indexOf("1200"), Kind.OUT_OF_RANGE);
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(10, 10, 1000, 20)));
        // Qwen2.5-VL's range is the resized image: 1000 x 500 resizes to 1008 x 504
        text = "[{\"bbox_2d\": [10, 20, 1009, 40]}]";
        out = parse("qwen2.5-vl", text, text.indexOf("1009"), Kind.OUT_OF_RANGE);
        assertThat(out.warnings().get(0).message()).contains("outside 0..1008");
        parse("gemini", "[{\"box_2d\": [600, 100, 300, 400]}]", 13, Kind.SWAPPED_CORNERS);
    }

    @Test
    void deeplyNestedBracketsAreReadWithABoundedStack() {
        // JSON nested deeper than 64 levels is not read as one value: the outer brackets stay text, the innermost
        // value that fits is read; no StackOverflowError however deep the answer nests
        String text = "[".repeat(20_000) + "{\"bbox_2d\": [1, 2, 3, 4]}" + "]".repeat(20_000);
        ParsedOutput out = lenient("qwen3-vl", text);
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(1, 1, 3, 2)));
        assertThat(out.text()).startsWith("[[[").endsWith("]]]").doesNotContain("bbox_2d");
    }

    @Test
    void jsonAfterATaskBelongsToTheTask() {
        ParsedOutput out = lenient("qwen3-vl", "<task_seg>the dog</task>\n```json\n[{\"bbox_2d\": [1, 2, 3, 4]}]\n```");
        assertThat(out.warnings()).isEmpty();
        assertThat(out.taskCalls()).singleElement().extracting(TaskCall::groundings)
                .isEqualTo(List.of(Grounding.of(box(1, 1, 3, 2))));
    }

    // ---- tag dialects ----

    @Test
    void qwen2VlBadOutputs() {
        parse("qwen2-vl", "<|box_start|>(1,2),(3", 0, Kind.UNTERMINATED_GROUNDING);
        ParsedOutput out = parse("qwen2-vl", "the man <|box_st", 8, Kind.TRUNCATED_TOKEN);
        assertThat(out.segments()).containsExactly(new TextSpan("the man "));
        parse("qwen2-vl", "<|object_ref_start|>the m", 0, Kind.UNTERMINATED_GROUNDING);
        parse("qwen2-vl", "<|box_start|>(1,2),(3,4),(5,6)<|box_end|>", 14, Kind.WRONG_ARITY);
        parse("qwen2-vl", "<|box_start|>(1,2),(3,1001)<|box_end|>", 22, Kind.OUT_OF_RANGE);
        parse("qwen2-vl", "<|box_start|>(9,2),(3,4)<|box_end|>", 14, Kind.SWAPPED_CORNERS);
        parse("qwen2-vl", "<|box_start|>(1,2),(x,4)<|box_end|>", 20, Kind.MALFORMED_GROUNDING);
    }

    @Test
    void internVlBadOutputs() {
        parse("internvl", "<ref>car</ref><box>[[1, 2, 3]]</box>", 21, Kind.WRONG_ARITY);
        parse("internvl", "car[[75, 658", 3, Kind.TRUNCATED_TOKEN);
        parse("internvl", "<ref>car</ref><box>[[75, 658, 250, 871]]<box>", 14, Kind.UNTERMINATED_GROUNDING,
                Kind.UNTERMINATED_GROUNDING);
        ParsedOutput out = lenient("internvl", "See [[the docs]] and [[0.1, 0.2, 0.3, 0.4]].");
        assertThat(out.warnings()).isEmpty();
        assertThat(out.freeGroundings()).isEmpty();
    }

    @Test
    void miniCpmVBadOutputs() {
        parse("minicpm-v", "<ref>book</ref><box>1 2 3</box>", 20, Kind.WRONG_ARITY);
        parse("minicpm-v", "<ref>book</ref><box>1 2 3 2000</box>", 26, Kind.OUT_OF_RANGE);
        parse("minicpm-v", "<box>1 2 3 4", 0, Kind.UNTERMINATED_GROUNDING);
        ParsedOutput out = lenient("minicpm-v", "<ref>book</ref><box>100 200</box>");
        assertThat(out.warnings()).isEmpty();
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(new Point(100, 100), "book"));
    }

    @Test
    void deepSeekVl2RaggedListsAreJudgedPerBracket() {
        // deepseek-ai/DeepSeek-VL2 issue 96: an odd count, a number beside a nested list, runaway digits
        parse("deepseek-vl2", "<|ref|>dog<|/ref|><|det|>[[533, 132, 457]]<|/det|>", 27, Kind.WRONG_ARITY);
        ParsedOutput out = parse("deepseek-vl2", "<|ref|>dog<|/ref|><|det|>[245,[234,543,542,244]]<|/det|>", 26,
                Kind.WRONG_ARITY, Kind.SWAPPED_CORNERS);
        assertThat(out.freeGroundings()).hasSize(1);
        String runaway = "<|ref|>head without helmet<|/ref|><|det|>[[0, 50, 55, 9999], [0, 5, 533, 17, "
                + "9".repeat(300) + "]]<|/det|>";
        out = parse("deepseek-vl2", runaway, runaway.indexOf("9999"), Kind.OUT_OF_RANGE, Kind.WRONG_ARITY);
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(0, 50.0 * 500 / 999, 55.0 * 1000 / 999,
                500), "head without helmet"));
        // the same answer cut off by the length limit inside the digits
        parse("deepseek-vl2", "<|ref|>head<|/ref|><|det|>[[0, 50, 55, 9999], [0, 5, 533, 17, 99999", 19,
                Kind.UNTERMINATED_GROUNDING);
    }

    @Test
    void glm4vBadOutputs() {
        parse("glm4v", "<|begin_of_box|>[1, 2, 3]<|end_of_box|>", 17, Kind.WRONG_ARITY);
        parse("glm4v", "at <|begin_of_box|>[816, 16", 3, Kind.UNTERMINATED_GROUNDING);
        parse("glm4v", "<|begin_of_box|>[816, 162, 838, 1720]<|end_of_box|>", 32, Kind.OUT_OF_RANGE);
    }

    @Test
    void molmoBadOutputs() {
        String text = "<point x=\"120.0\" y=\"40.0\" alt=\"dog\">dog</point>";
        ParsedOutput out = parse("molmo", text, 10, Kind.OUT_OF_RANGE);
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(new Point(1000, 200), "dog"));
        parse("molmo", "<point x=\"12.5\" y=\"", 0, Kind.UNTERMINATED_GROUNDING);
        parse("molmo", "<point x=\"12.5\" y=\"40\">dog", 0, Kind.UNTERMINATED_GROUNDING);
        parse("molmo", "<point x=\"abc\" y=\"40\">dog</point>", 10, Kind.MALFORMED_GROUNDING);
        out = parse("molmo", "<points x1=\"10\" y1=\"20\" x2=\"30\" alt=\"hands\">hands</points>", 28,
                Kind.WRONG_ARITY);
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(new Point(100, 100), "hands"));
        parse("molmo", "I see <poi", 6, Kind.TRUNCATED_TOKEN);
        parse("molmo", "I see <point", 6, Kind.TRUNCATED_TOKEN);
        // a label with quotes, written as XML escapes
        out = lenient("molmo", "<point x=\"50\" y=\"50\" alt=\"the &quot;red&quot; car\"></point>");
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(new Point(500, 250), "the \"red\" car"));
        // elements that are not points stay text
        assertThat(lenient("molmo", "<pointer> and <point>3 4</point>").freeGroundings()).isEmpty();
    }

    @Test
    void cogVlmBadOutputs() {
        parse("cogvlm", "a dog[[086,540,400", 5, Kind.TRUNCATED_TOKEN);
        parse("cogvlm", "a dog[[100,200,300,1000]]", 19, Kind.OUT_OF_RANGE);
        parse("cogvlm", "a dog[[100,200,300]]", 7, Kind.WRONG_ARITY);
        assertThat(lenient("cogvlm", "[[see above]] [x] [[0.5,0.5]]").freeGroundings()).isEmpty();
    }

    @Test
    void miniGptV2BadOutputs() {
        parse("minigpt-v2", "<p>dog</p> {<12><34><56>}", 13, Kind.WRONG_ARITY);
        parse("minigpt-v2", "<p>dog</p> {<12><3", 11, Kind.UNTERMINATED_GROUNDING);
        parse("minigpt-v2", "<p>dog</p> {<12><x>}", 17, Kind.MALFORMED_GROUNDING);
        parse("minigpt-v2", "{<1><2><3><200>}", 11, Kind.OUT_OF_RANGE);
        ParsedOutput out = lenient("minigpt-v2", "<p>dog</p> {<50><50>}");
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(new Point(500, 250), "dog"));
    }

    @Test
    void ferretBadOutputs() {
        parse("ferret", "The man [100, 200, 1000, 400]", 19, Kind.OUT_OF_RANGE);
        parse("ferret", "The man [100, 2", 8, Kind.TRUNCATED_TOKEN);
        ParsedOutput out = lenient("ferret", "Items [1, 2, 3], [0.5, 0.5], [1; 2] and [a, b].");
        assertThat(out.warnings()).isEmpty();
        assertThat(out.freeGroundings()).isEmpty();
    }
}
