package io.unimllm.tokenizer.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Point;
import io.unimllm.tokenizer.codec.UnimllmCodec;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The unimllm protocol parser: well-formed answers, the repairs it makes, and streaming equal to one-shot parsing. */
class OutputParserTest {
    private static OutputParser parser(boolean strict) {
        return new OutputParser(TaskVocabulary.defaults(), new UnimllmCodec(), strict, 1000, 500);
    }

    private static ParsedOutput parse(String s) {
        return parser(false).parse(s);
    }

    private static void assertBox(Box b, double x1, double y1, double x2, double y2) {
        assertThat(b.x1()).isCloseTo(x1, within(1e-9));
        assertThat(b.y1()).isCloseTo(y1, within(1e-9));
        assertThat(b.x2()).isCloseTo(x2, within(1e-9));
        assertThat(b.y2()).isCloseTo(y2, within(1e-9));
    }

    @Test
    void taskWithArgumentsAndBoxBecomesATaskCallInPixelSpace() {
        ParsedOutput p = parse("<task_seg>red circle</task><box>100,200,300,400</box>");
        assertThat(p.warnings()).isEmpty();
        assertThat(p.tasks()).hasSize(1);
        TaskCall t = p.tasks().get(0);
        assertThat(t.taskType()).isEqualTo("segment");
        assertThat(t.arguments()).isEqualTo("red circle");
        // x bins of a 1000 px wide image are 1 px, y bins of a 500 px high image are 0.5 px; x2/y2 are bin ends
        assertBox((Box) t.groundings().get(0).geometry(), 100, 100, 301, 200.5);
    }

    @Test
    void spacesFromWordLevelDecodingAreIgnored() {
        ParsedOutput p = parse("<task_seg> red circle </task> <box> 1 0 0 , 2 0 0 , 3 0 0 , 4 0 0 </box>");
        assertThat(p.warnings()).isEmpty();
        assertThat(p.tasks().get(0).arguments()).isEqualTo("red circle");
        assertBox((Box) p.tasks().get(0).groundings().get(0).geometry(), 100, 100, 301, 200.5);
    }

    @Test
    void severalTasksRegionsAndTextKeepTheirOrder() {
        ParsedOutput p = parse("Sure. <task_det>cat</task><box>0,0,10,10</box><box>20,20,30,30</box> and then "
                + "<task_edit>yellow</task><box>5,5,6,6</box> done <point>500,500</point>");
        assertThat(p.segments()).hasSize(6);
        assertThat(p.segments().get(0)).isEqualTo(new TextSpan("Sure."));
        assertThat(p.tasks()).extracting(TaskCall::taskType).containsExactly("detect", "edit");
        assertThat(p.tasks().get(0).groundings()).hasSize(2);
        assertThat(p.text()).isEqualTo("Sure. and then done");
        assertThat(p.freeGroundings()).hasSize(1);
        Point pt = (Point) p.freeGroundings().get(0).geometry();
        assertThat(pt.x()).isCloseTo(500.5, within(1e-9));
        assertThat(pt.y()).isCloseTo(250.25, within(1e-9));
    }

    @Test
    void plainAnswerIsOneTextSpan() {
        ParsedOutput p = parse("  blue ");
        assertThat(p.segments()).containsExactly(new TextSpan("blue"));
        assertThat(p.tasks()).isEmpty();
    }

    @Test
    void unknownTaskTokenIsDroppedWithAWarningOrRejectedInStrictMode() {
        String s = "<task_fly>away</task><box>1,2,3,4</box> ok";
        ParsedOutput p = parse(s);
        assertThat(p.tasks()).isEmpty();
        assertThat(p.text()).isEqualTo("ok");
        assertThat(p.warnings()).singleElement().satisfies(w -> {
            assertThat(w.message()).contains("unknown task token <task_fly>");
            assertThat(w.offset()).isZero();
        });
        assertThatThrownBy(() -> parser(true).parse(s)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("<task_fly>");
    }

    @Test
    void swappedCornersAreSwappedBackAndLargeValuesClamped() {
        ParsedOutput p = parse("<task_seg>x</task><box>300,400,100,1200</box>");
        assertThat(p.warnings()).extracting(ParseWarning::message).anyMatch(m -> m.contains("swapped"))
                .anyMatch(m -> m.contains("clamped"));
        assertBox((Box) p.tasks().get(0).groundings().get(0).geometry(), 100, 200, 301, 500);
    }

    @Test
    void boxWithWrongCountOrGarbageIsDropped() {
        ParsedOutput p = parse("<task_seg>x</task><box>1,2,3</box><box>1,a,3,4</box>");
        assertThat(p.tasks().get(0).groundings()).isEmpty();
        assertThat(p.warnings()).hasSize(2);
        assertThat(p.warnings().get(0).message()).contains("3 numbers");
        assertThat(p.warnings().get(1).message()).contains("non-integer");
    }

    @Test
    void answerCutOffAtMaxLengthDropsTheHalfWrittenRegion() {
        String s = "<task_seg>red</task><box>12,34";
        ParsedOutput p = parse(s);
        assertThat(p.tasks()).singleElement().satisfies(t -> assertThat(t.groundings()).isEmpty());
        assertThat(p.warnings()).singleElement().satisfies(w -> assertThat(w.message()).contains("unterminated"));
        assertThat(parser(false).feed(0, s).snapshot().warnings()).as("still streaming: not an error yet").isEmpty();
        assertThatThrownBy(() -> parser(true).parse(s)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void unclosedArgumentsEndAtTheNextRegion() {
        ParsedOutput p = parse("<task_seg>red circle<box>1,2,3,4</box>");
        assertThat(p.tasks().get(0).arguments()).isEqualTo("red circle");
        assertThat(p.tasks().get(0).groundings()).hasSize(1);
        assertThat(p.warnings()).singleElement().satisfies(w -> assertThat(w.message()).contains("not closed"));
    }

    @Test
    void hiddenStateOfTheTaskTokenIsAttached() {
        float[] h = {1f, 2f};
        OutputParser op = parser(false).hiddenStates(Map.of(2, h));
        op.feed(0, "ok ").feed(1, "then ").feed(2, "<task_seg>").feed(3, "dog").feed(4, "</task>");
        TaskCall t = op.finish().tasks().get(0);
        assertThat(t.tokenIndex()).isEqualTo(2);
        assertThat(t.hiddenState()).containsSame(h);
    }

    @Test
    void streamingInAnyPiecesGivesTheOneShotResult() {
        List<String> answers = List.of("Sure. <task_det>cat</task><box>0,0,10,10</box><box>20,20,30,30</box> x",
                "<task_fly>a</task><box>1,2,3,4</box><task_seg>b</task><box>9,9,1,1</box> <point>3,4</point>",
                "<task_seg> red </task> <box> 1 2 , 3 4 , 5 6 , 7 8 </box> <box>1,2");
        Random r = new Random(7);
        for (String s : answers) {
            ParsedOutput expected = parse(s);
            for (int trial = 0; trial < 50; trial++) {
                OutputParser op = parser(false);
                int i = 0;
                int token = 0;
                while (i < s.length()) {
                    int n = 1 + r.nextInt(6);
                    op.feed(token++, s.substring(i, Math.min(s.length(), i + n)));
                    op.snapshot();
                    i += n;
                }
                ParsedOutput got = op.finish();
                assertThat(got.segments()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("tokenIndex")
                        .isEqualTo(expected.segments());
                assertThat(got.warnings()).isEqualTo(expected.warnings());
            }
        }
    }
}
