package io.unimllm.protocol.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.FreeGrounding;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.protocol.TaskCall;
import io.unimllm.protocol.TaskVocabulary;
import io.unimllm.protocol.TextSpan;
import io.unimllm.protocol.codec.Codecs;
import io.unimllm.protocol.codec.UnimllmCodec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the parser makes of well-formed answers in unimllm's default protocol. */
class OutputParserTest {
    private static final int W = 1000;
    private static final int H = 500;

    private final OutputParser parser = new OutputParser(new UnimllmCodec(), TaskVocabulary.defaults(), W, H);

    @Test
    void taskCallCarriesArgumentsAndItsGroundings() {
        ParsedOutput out = parser.parse(
                "Sure. <task_seg>the dog on the left <box>100,200,300,400</box></task> Done.");

        assertThat(out.warnings()).isEmpty();
        assertThat(out.segments()).containsExactly(
                new TextSpan("Sure. "),
                new TaskCall("segment", "the dog on the left",
                        List.of(Grounding.of(new Box(100.5, 100.25, 300.5, 200.25))), Optional.empty(), -1),
                new TextSpan(" Done."));
        assertThat(out.text()).isEqualTo("Sure. Done.");
    }

    @Test
    void severalTasksAndRegionsPerAnswer() {
        ParsedOutput out = parser.parse("<task_det>cats</task><task_edit>make <box>0,0,499,999</box> red and "
                + "<point>750,250</point> blue</task>");

        assertThat(out.taskCalls()).extracting(TaskCall::taskType).containsExactly("detect", "edit");
        TaskCall edit = out.taskCalls().get(1);
        assertThat(edit.arguments()).isEqualTo("make red and blue");
        assertThat(edit.groundings()).extracting(Grounding::geometry)
                .containsExactly(new Box(0.5, 0.25, 499.5, 499.75), new Point(750.5, 125.25));
    }

    @Test
    void regionsRightAfterTaskEndBelongToTheTask() {
        ParsedOutput out = parser.parse("<task_det>triangle</task><box>41,791,229,979</box> <box>354,479,541,666</box>"
                + " and <task_seg>dog</task>\n<point>512,300</point>. <box>0,0,1,1</box>");

        assertThat(out.warnings()).isEmpty();
        assertThat(out.taskCalls()).extracting(t -> t.groundings().size()).containsExactly(2, 1);
        assertThat(out.taskCalls().get(0).arguments()).isEqualTo("triangle");
        assertThat(out.freeGroundings()).as("text ends the task's regions").hasSize(1);
        assertThat(out.text()).isEqualTo("and .");
    }

    @Test
    void spacesFromWordLevelDecodingAreIgnoredInsideNumbers() {
        ParsedOutput out = parser.parse("<task_seg> red circle </task> <box> 1 0 0 , 2 0 0 , 3 0 0 , 4 0 0 </box>");

        assertThat(out.warnings()).isEmpty();
        assertThat(out.tasks()).singleElement().satisfies(t -> {
            assertThat(t.arguments()).isEqualTo("red circle");
            assertThat(t.groundings()).containsExactly(Grounding.of(new Box(100.5, 100.25, 300.5, 200.25)));
        });
    }

    @Test
    void taskTokensCombineWithAnyDialect() {
        OutputParser p = new OutputParser(Codecs.byName("qwen-vl"), TaskVocabulary.defaults(), W, H, ParserOptions.strict(true));

        ParsedOutput out = p.parse("<task_seg>dog</task><ref>dog</ref><box>(1,2),(3,4)</box>");

        assertThat(out.tasks()).singleElement().satisfies(t -> {
            assertThat(t.taskType()).isEqualTo("segment");
            assertThat(t.groundings()).containsExactly(Grounding.of(new Box(1, 1, 3, 2), "dog"));
        });
    }

    @Test
    void groundingsOutsideTasksAreFreeGroundings() {
        ParsedOutput out = parser.parse("The cup <box>10,20,30,40</box> is left of the plate <box>50,60,70,80</box>.");

        assertThat(out.segments()).hasSize(5);
        assertThat(out.segments().get(1)).isInstanceOf(FreeGrounding.class);
        assertThat(out.freeGroundings()).hasSize(2);
        assertThat(out.text()).isEqualTo("The cup is left of the plate .");
        assertThat(out.taskCalls()).isEmpty();
    }

    @Test
    void tokenIndexAndHiddenStateComeFromTheTaskTokensPiece() {
        float[] h = {0.5f, -1f};
        List<String> pieces = List.of("Ok", " ", "<task_seg>", " the", " dog", "<box>", "1,2,3,4", "</box>",
                "</task>");

        ParsedOutput out = parser.parse(pieces, Map.of(2, h, 4, new float[] {9f}));

        TaskCall call = out.taskCalls().get(0);
        assertThat(call.tokenIndex()).isEqualTo(2);
        assertThat(call.hiddenState()).containsSame(h);
        assertThat(call.arguments()).isEqualTo("the dog");
    }

    @Test
    void hiddenStatesGivenAfterGenerationAreAttachedAtFinish() {
        float[] h = {1f, 2f};
        OutputParser p = new OutputParser(new UnimllmCodec(), TaskVocabulary.defaults(), W, H, ParserOptions.strict(false));
        p.feed(0, "<task_seg>");
        p.feed(1, "dog</task>");

        ParsedOutput out = p.hiddenStates(Map.of(0, h)).finish();

        assertThat(out.tasks()).singleElement().satisfies(t -> assertThat(t.hiddenState()).containsSame(h));
    }

    @Test
    void warningsNameTheTokenIndexWhenPiecesAreKnown() {
        ParsedOutput out = parser.parse(List.of("a", "<box>", "1,2,3", "</box>"), Map.of());

        assertThat(out.warnings()).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(ParseWarning.Kind.WRONG_ARITY);
            assertThat(w.charIndex()).isEqualTo(1);
            assertThat(w.tokenIndex()).isEqualTo(1);
            assertThat(w.describe()).isEqualTo(
                    "WRONG_ARITY: <box> has 3 coordinates, expected 4; dropped (at char 1, token 1)");
        });
    }

    @Test
    void streamingReturnsEachSegmentWhenItIsComplete() {
        assertThat(parser.feed(0, "Hi <task_")).isEmpty();
        assertThat(parser.feed(1, "seg>")).containsExactly(new TextSpan("Hi "));
        assertThat(parser.feed(2, "x <box>1,2,3,")).isEmpty();
        assertThat(parser.feed(3, "4</box></ta")).isEmpty();
        assertThat(parser.feed(4, "sk>")).as("a region may still follow </task>").isEmpty();
        assertThat(parser.feed(5, " ")).isEmpty();
        assertThat(parser.feed(6, "Bye")).singleElement().isInstanceOf(TaskCall.class);
        ParsedOutput out = parser.finish();
        assertThat(out.taskCalls()).singleElement().extracting(TaskCall::tokenIndex).isEqualTo(0);
        assertThat(out.segments()).last().isEqualTo(new TextSpan(" Bye"));
        // finish() resets: the parser is ready for the next answer
        assertThat(parser.parse("plain").segments()).containsExactly(new TextSpan("plain"));
    }

    @Test
    void vocabularyIsOpenAndReadFromUnimllmJson() {
        TaskVocabulary vocab = TaskVocabulary.fromJson("""
                {"grounding_codec": "qwen-vl",
                 "tasks": {"<task_seg>": "segment", "<task_depth>": "depth", "[SEG]": "segment"}}""");
        OutputParser p = new OutputParser(Codecs.byName("qwen-vl"), vocab, W, H);

        ParsedOutput out = p.parse("<task_depth>whole image</task>[SEG]<ref>cat</ref><box>(0,0),(500,1000)</box>"
                + "</task>");

        assertThat(out.warnings()).isEmpty();
        assertThat(out.taskCalls()).extracting(TaskCall::taskType).containsExactly("depth", "segment");
        assertThat(out.taskCalls().get(1).groundings()).containsExactly(
                Grounding.of(new Box(0, 0, 500, 500), "cat"));
        assertThat(vocab.token("depth")).contains("<task_depth>");
    }

    @Test
    void florenceLabelsInsideATaskComeFromTheArguments() {
        OutputParser p = new OutputParser(Codecs.byName("florence2"), TaskVocabulary.defaults(), W, H);

        ParsedOutput out = p.parse("<task_det>car<loc_0><loc_0><loc_9><loc_9></task>car<loc_0><loc_0><loc_9><loc_9>");

        assertThat(out.taskCalls().get(0).arguments()).isEqualTo("car");
        assertThat(out.taskCalls().get(0).groundings().get(0).label()).contains("car");
        assertThat(out.freeGroundings()).singleElement().extracting(Grounding::label).isEqualTo(Optional.of("car"));
        assertThat(out.text()).isEmpty();
    }

    @Test
    void badVocabularyConfigFailsWithAClearMessage() {
        assertThat(TaskVocabulary.fromJson("{\"codec\": 1}")).isEqualTo(TaskVocabulary.defaults());
        assertThatThrownBy(() -> TaskVocabulary.fromJson("{\"tasks\": [1]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"tasks\" must be an object");
        assertThatThrownBy(() -> TaskVocabulary.fromJson("{\"tasks\": {\"<t>\": 3}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tasks.<t> must be a string");
        assertThatThrownBy(() -> TaskVocabulary.fromJson("{tasks"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> TaskVocabulary.of(Map.of("</task>", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends tasks");
    }
}
