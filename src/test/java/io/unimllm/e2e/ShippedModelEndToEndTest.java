package io.unimllm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.unimllm.Response;
import io.unimllm.UnifiedMllm;
import io.unimllm.router.TaskResult;
import io.unimllm.router.TaskStatus;
import io.unimllm.shapes.data.DatasetWriter;
import io.unimllm.shapes.eval.EvaluationReport;
import io.unimllm.shapes.eval.ShapesEvaluation;
import io.unimllm.shapes.world.Phrasings;
import io.unimllm.shapes.world.Sample;
import io.unimllm.shapes.world.WorldGenerator;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on the model the repository ships (models/shapes-tiny): instruction and image in, task tokens and
 * boxes parsed, experts run, typed results out; and the evaluation table of docs/training.md reproduced on a small
 * held-out split, with thresholds a model that ignores the image or the instruction cannot pass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShippedModelEndToEndTest {
    private UnifiedMllm mllm;

    @BeforeAll
    void load() {
        mllm = UnifiedMllm.load(Path.of(System.getProperty("unimllm.root", ".")).resolve("models/shapes-tiny"));
    }

    @AfterAll
    void close() {
        mllm.close();
    }

    private static Sample sample(Phrasings.Task task, long seed) {
        WorldGenerator w = new WorldGenerator(48, Phrasings.TEST, seed);
        while (true) {
            Sample s = w.next();
            if (s.task() == task) {
                return s;
            }
        }
    }

    @Test
    void segmentationInstructionBecomesASegmentTaskServedByTheSegmenter() {
        Sample s = sample(Phrasings.Task.SEGMENT, 11);
        Response r = mllm.ask(s.scene().render(), s.instruction());
        assertThat(r.tasks()).isNotEmpty();
        TaskResult t = r.tasks().get(0);
        assertThat(t.task().taskType()).isEqualTo("segment");
        assertThat(t.status()).isEqualTo(TaskStatus.OK);
        assertThat(t.expert()).contains("colour-region-segmenter");
        assertThat(t.result().orElseThrow().masks()).isNotEmpty();
        assertThat(r.timings().get("decode")).isPositive();
        assertThat(r.timings().stages()).containsKey("expert:colour-region-segmenter");
    }

    @Test
    void plainQuestionIsAnsweredWithTextAndNoTask() {
        Sample s = sample(Phrasings.Task.COUNT, 12);
        Response r = mllm.ask(s.scene().render(), s.instruction());
        assertThat(r.tasks()).isEmpty();
        // The count comes first; the shipped checkpoint sometimes runs on after it on the held-out count phrasing
        // ("3 ," instead of "3"; docs/training.md), which the answer-accuracy bar of the evaluation test counts as
        // wrong. Here only the routing is specified: text, no task.
        assertThat(r.text()).matches("[0-9].*");
    }

    @Test
    void streamedTextIsTheAnswerAndAsyncGivesTheSameResult() throws Exception {
        Sample s = sample(Phrasings.Task.RECOLOUR, 13);
        StringBuilder streamed = new StringBuilder();
        Response r = mllm.ask(s.scene().render(), s.instruction(), streamed::append);
        assertThat(streamed.toString()).isEqualTo(r.rawAnswer());
        Response async = mllm.askAsync(s.scene().render(), s.instruction()).get(2, TimeUnit.MINUTES);
        assertThat(async.tokens()).containsExactly(r.tokens());
        assertThat(r.tasks()).singleElement().satisfies(t -> {
            assertThat(t.task().taskType()).isEqualTo("edit");
            assertThat(t.result().orElseThrow().image()).isPresent();
        });
    }

    @Test
    void evaluationOnHeldOutPhrasingsMeetsTheDocumentedBar() {
        EvaluationReport r = ShapesEvaluation.run(mllm, true, 60, 2027, null);
        assertThat(r.taskAccuracy()).as("task-token accuracy").isGreaterThanOrEqualTo(ShippedModelBar.TASK_ACCURACY);
        assertThat(r.argumentAccuracy()).as("task-argument accuracy")
                .isGreaterThanOrEqualTo(ShippedModelBar.ARGUMENT_ACCURACY);
        assertThat(r.boxIou50()).as("box IoU >= 0.5").isGreaterThanOrEqualTo(ShippedModelBar.BOX_IOU_50);
        assertThat(r.boxPrecision50()).as("box precision").isGreaterThanOrEqualTo(ShippedModelBar.BOX_PRECISION_50);
        assertThat(r.answerAccuracy()).as("plain answers").isGreaterThanOrEqualTo(ShippedModelBar.ANSWER_ACCURACY);
        assertThat(r.headIouMean()).as("region-head box IoU").isGreaterThanOrEqualTo(ShippedModelBar.REGION_HEAD_IOU);
        assertThat(r.maskIouMean()).as("mask IoU").isGreaterThanOrEqualTo(ShippedModelBar.MASK_IOU);
    }

    @Test
    void evaluationOfAJsonlExportScoresAsTheGeneratedSamples(@TempDir Path dir) {
        Path jsonl = DatasetWriter.write(dir, "test", new WorldGenerator(48, Phrasings.TEST, 2028).next(20));
        EvaluationReport generated = ShapesEvaluation.run(mllm, true, 20, 2028, null);
        EvaluationReport read = ShapesEvaluation.run(mllm, jsonl, 0, null);
        assertThat(read.samples()).isEqualTo(20);
        assertThat(read.markdown().replaceAll("wall time \\| \\d+", ""))
                .isEqualTo(generated.markdown().replaceAll("wall time \\| \\d+", ""));
    }
}
