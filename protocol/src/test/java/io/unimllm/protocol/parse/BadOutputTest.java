package io.unimllm.protocol.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.FreeGrounding;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.protocol.ProtocolException;
import io.unimllm.protocol.TaskCall;
import io.unimllm.protocol.TaskVocabulary;
import io.unimllm.protocol.TextSpan;
import io.unimllm.protocol.codec.Codecs;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each kind of bad output: what the lenient parser repairs or drops (and the warning saying what and where), and
 * that the strict parser throws a {@link ProtocolException} with the same message instead.
 */
class BadOutputTest {
    private static final int W = 1000;
    private static final int H = 500;

    /** Parses leniently, checks the warnings' kinds and the first one's position, and checks strict mode. */
    private static ParsedOutput parse(String codec, String text, int firstCharIndex, Kind... kinds) {
        ParsedOutput lenient = new OutputParser(Codecs.byName(codec), TaskVocabulary.defaults(), W, H).parse(text);
        assertThat(lenient.warnings()).extracting(ParseWarning::kind).as(text).containsExactly(kinds);
        ParseWarning first = lenient.warnings().get(0);
        assertThat(first.charIndex()).as("position of %s", first).isEqualTo(firstCharIndex);

        OutputParser strict = new OutputParser(Codecs.byName(codec), TaskVocabulary.defaults(), W, H,
                ParserOptions.strict(true));
        assertThatThrownBy(() -> strict.parse(text)).isInstanceOf(ProtocolException.class)
                .hasMessage(first.describe());
        return lenient;
    }

    private static Box box(double x1, double y1, double x2, double y2) {
        return new Box(x1, y1, x2, y2);
    }

    @Test
    void unknownTaskTokenIsDroppedAndItsArgumentsStayText() {
        ParsedOutput out = parse("unimllm", "<task_paint>paint it</task><box>1,2,3,4</box> ok", 0,
                Kind.UNKNOWN_TASK_TOKEN);

        assertThat(out.segments()).containsExactly(new TextSpan("paint it"),
                new FreeGrounding(Grounding.of(box(1.5, 1.25, 3.5, 2.25))), new TextSpan(" ok"));
        assertThat(out.warnings().get(0).message()).contains("<task_paint>");
    }

    @Test
    void unterminatedBoxAtTheEndIsDroppedAndTheTaskClosed() {
        ParsedOutput out = parse("unimllm", "<task_seg>dog <box>12,34,5", 14, Kind.UNTERMINATED_GROUNDING,
                Kind.UNTERMINATED_TASK);

        assertThat(out.segments()).containsExactly(
                new TaskCall("segment", "dog", List.of(), Optional.empty(), -1));
    }

    @Test
    void unterminatedBoxBeforeTheNextTagIsDroppedAndTheNextBoxKept() {
        ParsedOutput out = parse("unimllm", "<box>1,2,3,4<box>5,6,7,8</box>", 0, Kind.UNTERMINATED_GROUNDING);

        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(5.5, 3.25, 7.5, 4.25)));
    }

    @Test
    void wrongNumberOfCoordinatesIsDropped() {
        ParsedOutput out = parse("unimllm", "a <box>1,2,3</box> b", 2, Kind.WRONG_ARITY);

        assertThat(out.segments()).containsExactly(new TextSpan("a  b"));
        parse("unimllm", "<point>1,2,3</point>", 0, Kind.WRONG_ARITY);
        parse("unimllm", "<poly>1,2,3,4</poly>", 0, Kind.WRONG_ARITY);
    }

    @Test
    void coordinateOutOfRangeIsClamped() {
        ParsedOutput out = parse("unimllm", "<box>1,2,3,1200</box>", 11, Kind.OUT_OF_RANGE);

        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(1.5, 1.25, 3.5, 499.75)));
        assertThat(out.warnings().get(0).message()).isEqualTo(
                "<box> coordinate 1200 outside 0..999; clamped to 999");
    }

    @Test
    void cornersOutOfOrderAreSwapped() {
        ParsedOutput out = parse("unimllm", "<box>300,200,100,400</box>", 0, Kind.SWAPPED_CORNERS);

        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(100.5, 100.25, 300.5, 200.25)));
    }

    @Test
    void malformedCoordinateDropsTheGroundingUpToTheBadCharacter() {
        ParsedOutput out = parse("unimllm", "<box>1,2,x,4</box>", 9, Kind.MALFORMED_GROUNDING);

        assertThat(out.freeGroundings()).isEmpty();
        assertThat(out.text()).isEqualTo("x,4</box>");
    }

    @Test
    void halfWrittenTrailingTaskTokenIsDropped() {
        ParsedOutput out = parse("unimllm", "Sure <task_se", 5, Kind.TRUNCATED_TOKEN);

        assertThat(out.segments()).containsExactly(new TextSpan("Sure "));
        parse("unimllm", "Sure </ta", 5, Kind.TRUNCATED_TOKEN);
        parse("unimllm", "Sure <task_unknown_so_fa", 5, Kind.TRUNCATED_TOKEN);
    }

    @Test
    void halfWrittenTrailingGroundingTokenIsDropped() {
        ParsedOutput out = parse("unimllm", "<task_seg>dog <bo", 14, Kind.TRUNCATED_TOKEN, Kind.UNTERMINATED_TASK);

        assertThat(out.taskCalls()).singleElement().extracting(TaskCall::arguments).isEqualTo("dog");
    }

    @Test
    void strayTaskEndIsDropped() {
        ParsedOutput out = parse("unimllm", "a</task>b", 1, Kind.STRAY_TASK_END);

        assertThat(out.segments()).containsExactly(new TextSpan("ab"));
    }

    @Test
    void taskInsideATaskClosesTheOpenOneFirst() {
        ParsedOutput out = parse("unimllm", "<task_seg>a<task_det>b</task>", 11, Kind.NESTED_TASK);

        assertThat(out.taskCalls()).extracting(TaskCall::taskType, TaskCall::arguments)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("segment", "a"),
                        org.assertj.core.groups.Tuple.tuple("detect", "b"));
    }

    @Test
    void florence2CutOffRunKeepsTheLabelAsText() {
        ParsedOutput out = parse("florence2", "car<loc_52><loc_333><loc_9", 20, Kind.TRUNCATED_TOKEN,
                Kind.WRONG_ARITY);

        assertThat(out.freeGroundings()).isEmpty();
        assertThat(out.text()).isEqualTo("car");
        parse("florence2", "<loc_52><loc_333><loc_1000><loc_774>", 17, Kind.OUT_OF_RANGE);
        parse("florence2", "<loc_932><loc_333><loc_52><loc_774>", 0, Kind.SWAPPED_CORNERS);
        parse("florence2", "<loc_1><loc_2><loc_3><loc_4><loc_5>", 0, Kind.WRONG_ARITY);
    }

    @Test
    void paliGemmaBadOutputs() {
        parse("paligemma", "<loc0256><loc0128><loc07", 18, Kind.TRUNCATED_TOKEN);
        ParsedOutput out = parse("paligemma", "<loc0256><loc0128> cat", 0, Kind.WRONG_ARITY);
        assertThat(out.text()).isEqualTo("cat");
        out = parse("paligemma", "<loc0768><loc0128><loc0256><loc0896> cat", 0, Kind.SWAPPED_CORNERS);
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(125, 125, 875, 375), "cat"));
        out = parse("paligemma", "<loc0256><loc0128><loc0768><loc0896><seg001><seg002> cat", 36, Kind.WRONG_ARITY);
        assertThat(out.freeGroundings()).singleElement().extracting(Grounding::geometry).isInstanceOf(Box.class);
        parse("paligemma", "<loc0256><loc0128><loc2000><loc0896>", 18, Kind.OUT_OF_RANGE);
    }

    @Test
    void qwenVlBadOutputs() {
        parse("qwen-vl", "<ref>dog</ref><box>(1,2),(3", 14, Kind.UNTERMINATED_GROUNDING);
        parse("qwen-vl", "<ref>the d", 0, Kind.UNTERMINATED_GROUNDING);
        parse("qwen-vl", "<box>(1,2),(3,4),(5,6)</box>", 0, Kind.WRONG_ARITY);
        parse("qwen-vl", "<box>(1,2),(3,1001)</box>", 14, Kind.OUT_OF_RANGE);
        parse("qwen-vl", "<box>(9,2),(3,4)</box>", 0, Kind.SWAPPED_CORNERS);
    }

    @Test
    void kosmos2BadOutputs() {
        parse("kosmos2", "<object><patch_index_0044><patch_index_0100><patch_index_0200></object>", 8,
                Kind.WRONG_ARITY);
        parse("kosmos2", "<object><patch_index_00", 8, Kind.TRUNCATED_TOKEN);
        parse("kosmos2", "<phrase>a dog</phrase><object><patch_index_0044>", 0, Kind.UNTERMINATED_GROUNDING);
        parse("kosmos2", "<object><patch_index_0863><patch_index_0044></object>", 8, Kind.SWAPPED_CORNERS);
        parse("kosmos2", "<object><patch_index_0044><patch_index_2000></object>", 26, Kind.OUT_OF_RANGE);
    }

    @Test
    void qwenVlBoxHoldingOnePointKeepsThePhraseAsALabelledPoint() {
        ParsedOutput out = new OutputParser(Codecs.byName("qwen-vl"), TaskVocabulary.defaults(), W, H)
                .parse("Click <ref>the OK button</ref><box>(246,113)</box> now.");

        assertThat(out.warnings()).isEmpty();
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(new Point(246, 56.5), "the OK button"));
        assertThat(out.text()).isEqualTo("Click now.");
    }

    @Test
    void kosmos2ObjectWithOnePatchIndexKeepsThePhraseAsAPointAtTheCellCentre() {
        ParsedOutput out = new OutputParser(Codecs.byName("kosmos2"), TaskVocabulary.defaults(), W, H)
                .parse("<phrase> a dog</phrase><object><patch_index_0044></object>");

        // cell 44 = row 1, column 12 of 32: centre ((12 + 0.5) / 32 * 1000, (1 + 0.5) / 32 * 500)
        assertThat(out.warnings()).isEmpty();
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(new Point(390.625, 23.4375), "a dog"));
    }

    @Test
    void kosmos2AnswerCutInsideAPatchIndexTokenIsATruncatedToken() {
        ParsedOutput out = parse("kosmos2", "<phrase> a dog</phrase><object><patch_index_0044><patch_ind", 49,
                Kind.TRUNCATED_TOKEN);
        assertThat(out.segments()).isEmpty();

        out = parse("kosmos2", "I see<phrase> a dog</phrase><object><patch_ind", 36, Kind.TRUNCATED_TOKEN);
        assertThat(out.segments()).containsExactly(new TextSpan("I see"));

        out = parse("kosmos2", "I see <patch_ind", 6, Kind.TRUNCATED_TOKEN);
        assertThat(out.segments()).containsExactly(new TextSpan("I see "));
    }

    @Test
    void shikraBadOutputs() {
        parse("shikra", "dog [0.1,0.2,0.3", 4, Kind.TRUNCATED_TOKEN);
        parse("shikra", "[0.1,0.2,0.3]", 1, Kind.WRONG_ARITY);
        ParsedOutput out = parse("shikra", "[0.5,0.5,0.2,1.5]", 13, Kind.OUT_OF_RANGE, Kind.SWAPPED_CORNERS);
        assertThat(out.freeGroundings()).containsExactly(Grounding.of(box(200, 250, 500, 500)));
    }
}
