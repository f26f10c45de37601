package io.unimllm.protocol.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.protocol.ConfigException;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.protocol.ProtocolException;
import io.unimllm.protocol.TaskCall;
import io.unimllm.protocol.TaskVocabulary;
import io.unimllm.protocol.codec.UnimllmCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Hidden-state slots (docs/protocol.md): the vocabulary declares the slot tokens that follow a task token, the parser
 * takes them out of the task's arguments, and each slot gets the hidden state of its own token.
 */
class SlotTokensTest {
    private static final TaskVocabulary VOCAB = TaskVocabulary.fromJson("""
            {"tasks": {"<task_seg>": "segment", "<task_det>": "detect"},
             "slots": {"<task_seg>": ["<seg_0>", "<seg_1>"]}}
            """);

    private static OutputParser parser(boolean strict) {
        return new OutputParser(new UnimllmCodec(), VOCAB, 1000, 1000, ParserOptions.strict(strict));
    }

    @Test
    void theManifestDeclaresSlotTokensPerTaskToken() {
        assertThat(VOCAB.slots("<task_seg>")).containsExactly("<seg_0>", "<seg_1>");
        assertThat(VOCAB.slots("<task_det>")).isEmpty();
        assertThat(VOCAB.slotTokens()).containsExactly("<seg_0>", "<seg_1>");
        assertThat(TaskVocabulary.defaults().slotTokens()).isEmpty();

        assertThatThrownBy(() -> TaskVocabulary.fromJson("{\"slots\": {\"<task_fly>\": [\"<s0>\"]}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("<task_fly>, which is not a task token");
        assertThatThrownBy(() -> TaskVocabulary.fromJson("{\"slots\": {\"<task_seg>\": [\"<task_det>\"]}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("slot token <task_det> of <task_seg> is a "
                        + "task token");
        assertThatThrownBy(() -> TaskVocabulary.fromJson("{\"slots\": {\"<task_seg>\": 2}}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("slots.<task_seg> must be an array of slot tokens, got NUMBER");
    }

    @Test
    void eachSlotGetsTheHiddenStateOfItsOwnTokenAndLeavesTheArguments() {
        List<String> pieces = List.of("<task_seg>", " <seg_0>", " <seg_1>", " red", " circle", " </task>", " ok");
        float[] task = {1};
        float[] seg0 = {2};
        float[] seg1 = {3};
        ParsedOutput out = parser(false).parse(pieces, Map.of(0, task, 1, seg0, 2, seg1, 3, new float[] {9}));

        assertThat(out.warnings()).isEmpty();
        TaskCall call = out.taskCalls().get(0);
        assertThat(call.arguments()).isEqualTo("red circle");
        assertThat(call.hiddenState()).containsSame(task);
        assertThat(call.slots()).extracting(TaskCall.Slot::token, TaskCall.Slot::tokenIndex)
                .containsExactly(Tuple.tuple("<seg_0>", 1),
                        Tuple.tuple("<seg_1>", 2));
        assertThat(call.slotStates()).containsExactly(seg0, seg1);
        assertThat(out.text()).isEqualTo("ok");
    }

    @Test
    void statesKnownOnlyAfterGenerationReachTheSlotsAtFinish() {
        OutputParser p = parser(false);
        String[] pieces = {"<task_seg>", "<seg_0>", "<seg_1>", "dog", "</task>"};
        for (int i = 0; i < pieces.length; i++) {
            p.feed(i, pieces[i]);
        }
        float[] seg1 = {5};
        TaskCall call = p.hiddenStates(Map.of(1, new float[] {4}, 2, seg1)).finish().taskCalls().get(0);

        assertThat(call.slotStates()).hasSize(2).last().isSameAs(seg1);
        assertThat(call.hiddenState()).as("the task token's state was not given").isEmpty();
    }

    @Test
    void aMissingSlotKeepsTheTaskWithTheSlotsItHasAndAStraySlotIsDropped() {
        ParsedOutput out = parser(false).parse(List.of("<task_seg>", "<seg_0>", "cat", "</task>", "<seg_1>",
                "<task_det>", "<seg_0>", "dog", "</task>"), Map.of(1, new float[] {1}));

        assertThat(out.taskCalls()).extracting(TaskCall::arguments).containsExactly("cat", "dog");
        assertThat(out.taskCalls().get(0).slots()).extracting(TaskCall.Slot::token).containsExactly("<seg_0>");
        assertThat(out.taskCalls().get(0).slotStates()).as("the state of the slot written").hasSize(1);
        assertThat(out.taskCalls().get(1).slots()).isEmpty();
        assertThat(out.warnings()).extracting(ParseWarning::describe).containsExactly(
                "MISSING_SLOT_TOKENS: task segment ends with 1 of its 2 slot tokens [<seg_0>, <seg_1>]; kept with "
                        + "[<seg_0>] (at char 20, token 3)",
                "STRAY_SLOT_TOKEN: slot token <seg_1> outside a task; dropped (at char 27, token 4)",
                "STRAY_SLOT_TOKEN: slot token <seg_0> in task detect, which has no slots; dropped "
                        + "(at char 44, token 6)");

        assertThatThrownBy(() -> parser(true).parse("<task_seg><seg_1><seg_0><seg_1>x</task>"))
                .isInstanceOf(ProtocolException.class).hasMessage("STRAY_SLOT_TOKEN: slot token <seg_1> in task "
                        + "segment, which expects <seg_0> next (slots [<seg_0>, <seg_1>]); dropped (at char 10)");
    }

    @Test
    void anySplitOfAnAnswerWithSlotsParsesAsTheWhole() {
        String answer = "a <task_seg> <seg_0><seg_1>red <box>1,2,3,4</box></task> <seg_0> <task_seg><seg_0>x</task>"
                + " <task_seg><seg_";
        ParsedOutput whole = parser(false).parse(answer);
        Random rnd = new Random(19);
        for (int trial = 0; trial < 200; trial++) {
            OutputParser p = parser(false);
            List<String> pieces = new ArrayList<>();
            for (int i = 0; i < answer.length();) {
                int n = 1 + rnd.nextInt(6);
                pieces.add(answer.substring(i, Math.min(answer.length(), i + n)));
                i += n;
            }
            pieces.forEach(piece -> p.feed(-1, piece));
            assertThat(p.finish()).as("split %s", pieces).isEqualTo(whole);
        }
        assertThat(whole.warnings()).extracting(ParseWarning::kind).containsExactly(Kind.STRAY_SLOT_TOKEN,
                Kind.MISSING_SLOT_TOKENS, Kind.TRUNCATED_TOKEN, Kind.UNTERMINATED_TASK, Kind.MISSING_SLOT_TOKENS);
    }
}
