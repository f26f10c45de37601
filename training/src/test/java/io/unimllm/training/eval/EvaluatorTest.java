package io.unimllm.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.training.world.synth.Sample;
import io.unimllm.training.world.synth.TaskKind;
import io.unimllm.training.world.synth.WorldConfig;
import io.unimllm.training.world.synth.WorldSplit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
    private final List<Sample> test = WorldSplit.generate(WorldConfig.builder().imageSize(48).build(), 8, 0, 0, 80)
            .test();
    private final List<EvalCase> cases = test.stream().map(EvalCase::of).toList();
    private final Map<String, Sample> byInstruction = test.stream()
            .collect(Collectors.toMap(Sample::instruction, Function.identity(), (a, b) -> a));

    @Test
    void aPerfectSystemScoresOneEverywhere() {
        List<Prediction> oracle = test.stream()
                .map(s -> new Prediction(s.answer(), s.truth().masks(), s.truth().editedImage())).toList();
        EvaluationReport r = new Evaluator(0).score(cases, oracle);
        assertThat(r.samples()).isEqualTo(80);
        for (EvaluationReport.Metric m : List.of(r.taskAccuracy(), r.boxAccuracy50(), r.maskIoU(),
                r.editPixelAccuracy(), r.exactAnswerAccuracy(), r.fullAnswerAccuracy())) {
            assertThat(m.value()).isEqualTo(1.0);
            assertThat(m.count()).isPositive();
        }
        // bins lose under 1/1000 of the side, so decoded boxes are close but not identical
        assertThat(r.boxIoU().value()).isGreaterThan(0.95);
    }

    @Test
    void textOnlySystemGetsNoMaskOrEditCredit() {
        EvaluationReport r = new Evaluator(0).evaluate(cases, (img, instr) -> Prediction.text(
                byInstruction.get(instr).answer()));
        assertThat(r.taskAccuracy().value()).isEqualTo(1.0);
        assertThat(r.maskIoU().value()).isZero();
        assertThat(r.editPixelAccuracy().value()).isZero();
        long seg = test.stream().filter(s -> s.task() == TaskKind.SEGMENT).count();
        assertThat(r.maskIoU().count()).isEqualTo((int) seg);
    }

    @Test
    void alwaysAnsweringYesIsRightOnlyForYesQuestions() {
        EvaluationReport r = new Evaluator(0).evaluate(cases, (img, instr) -> Prediction.text("yes"));
        long plain = test.stream().filter(s -> s.task().taskType().equals(TaskKind.ANSWER)).count();
        long yes = test.stream().filter(s -> s.answer().equals("yes")).count();
        assertThat(r.taskAccuracy().value()).isEqualTo(plain / 80.0);
        assertThat(r.exactAnswerAccuracy().value()).isEqualTo(yes / (double) plain);
        assertThat(r.boxIoU().value()).isLessThan(0.2); // only detect cases with no target can score
        assertThat(r.byTask().get(TaskKind.SEGMENT).taskAccuracy().value()).isZero();
        assertThat(r.byTask().get(TaskKind.COUNT).taskAccuracy().value()).isEqualTo(1.0);
        assertThat(r.byTask().get(TaskKind.COUNT).fullAnswerAccuracy().value()).isZero();
        int perKind = r.byTask().values().stream().mapToInt(b -> b.taskAccuracy().count()).sum();
        assertThat(perKind).isEqualTo(80);
        assertThat(r.toMarkdown()).contains("| task | task-token accuracy | full-answer exact match | cases |")
                .contains("| count | 1.0000 | 0.0000 |");
    }

    @Test
    void reportPrintsAMarkdownTable() {
        EvaluationReport r = new Evaluator(0).score(List.of(), List.of());
        assertThat(r.toMarkdown()).startsWith("| metric | value | cases |\n|---|---:|---:|\n")
                .contains("| mask IoU (mean) | n/a | 0 |");
        EvaluationReport one = new Evaluator(0).score(List.of(cases.get(0)), List.of(Prediction.text(
                test.get(0).answer())));
        assertThat(one.toMarkdown()).contains("| task-token accuracy | 1.0000 | 1 |");
    }

    @Test
    void mismatchedPredictionCountIsRejected() {
        assertThatThrownBy(() -> new Evaluator(0).score(cases, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("80 cases but 0 predictions");
    }
}
