package io.unimllm.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.unimllm.AskRequest;
import io.unimllm.Response;
import io.unimllm.UnifiedMllm;
import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.geometry.CocoRle;
import io.unimllm.geometry.Mask;
import io.unimllm.router.TaskResult;
import io.unimllm.router.spi.Detection;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.ScoredMask;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transformer on {@code local[2]} with the shipped model: every row answers what the runtime answers for it when
 * asked directly, field for field ({@link #assertSameAnswer}); bad rows get an error and the others go on; image
 * paths are read; generation settings reach the runtime; one model serves all tasks of the JVM; columns are checked
 * on the driver.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnimllmTransformerTest {
    private static final int BATCH = 4;
    private UnifiedMllm direct;

    @BeforeAll
    void load() {
        direct = UnifiedMllm.load(SharedSpark.SHIPPED);
    }

    @AfterAll
    void close() {
        direct.close();
    }

    private static UnimllmTransformer transformer() {
        return new UnimllmTransformer().setModelDir(SharedSpark.SHIPPED.toString()).setBatchSize(BATCH);
    }

    @Test
    void fiftyShapesWorldRowsAnswerWhatTheRuntimeAnswersForEachRow() {
        List<SharedSpark.Ask> asks = SharedSpark.world(50, 17);
        List<Row> in = new ArrayList<>();
        for (int i = 0; i < asks.size(); i++) {
            in.add(SharedSpark.row(i, ResultRows.png(asks.get(i).image()), asks.get(i).instruction()));
        }
        Dataset<Row> input = SharedSpark.rows(in, 2);
        assertThat(input.rdd().getNumPartitions()).isEqualTo(2);

        List<Row> got = transformer().setWithImages(true).transform(input).orderBy("id").collectAsList();

        assertThat(got).hasSize(50);
        boolean masks = false;
        boolean boxes = false;
        boolean images = false;
        for (int i = 0; i < got.size(); i++) {
            Row row = got.get(i);
            assertThat(row.<Integer>getAs("id")).isEqualTo(i);
            assertThat(row.<byte[]>getAs("content")).isEqualTo(in.get(i).get(1));
            assertThat(row.<Row>getAs("error")).as("row %d", i).isNull();
            byte[] png = in.get(i).getAs(1);
            Response expected = direct.ask(AskRequest.of(ImagePreprocessor.decode(png, "row " + i),
                    asks.get(i).instruction()));
            Row result = row.getAs("result");
            assertSameAnswer(result, expected, true, "row " + i + " (" + asks.get(i).instruction() + ")");
            for (TaskResult t : expected.tasks()) {
                masks |= t.result().map(r -> !r.masks().isEmpty()).orElse(false);
                boxes |= t.result().map(r -> !r.detections().isEmpty()).orElse(false);
                images |= t.result().flatMap(ExpertResult::image).isPresent();
            }
        }
        assertThat(masks).as("some answer has masks").isTrue();
        assertThat(boxes).as("some answer has boxes").isTrue();
        assertThat(images).as("some answer has an edited image").isTrue();
    }

    /**
     * A result struct against the runtime's own response: the same text, raw answer, finish reason, warnings, stages
     * and tasks (types, arguments, statuses, experts, texts) exactly; the numbers that come from the task tokens'
     * hidden states (the region head's box, and masks and edits prompted by it) to float rounding, since a row's
     * hidden state depends in the last bits on which rows share its batch, as in the runtime's own batching.
     */
    static void assertSameAnswer(Row result, Response expected, boolean withImages, String what) {
        assertThat(result).as(what).isNotNull();
        assertThat(result.<String>getAs("answer")).as(what).isEqualTo(expected.text());
        assertThat(result.<String>getAs("raw_answer")).as(what).isEqualTo(expected.rawAnswer());
        assertThat(result.<String>getAs("finish_reason")).as(what)
                .isEqualTo(expected.finishReason().name().toLowerCase(Locale.ROOT));
        assertThat(result.getList(result.fieldIndex("warnings"))).as(what)
                .isEqualTo(expected.warnings().stream().map(w -> w.describe()).toList());
        assertThat(result.getJavaMap(result.fieldIndex("timings_ms")).keySet()).as(what)
                .isEqualTo(expected.timings().stages().keySet());
        List<Row> tasks = result.getList(result.fieldIndex("tasks"));
        assertThat(tasks).as(what).hasSize(expected.tasks().size());
        for (int k = 0; k < tasks.size(); k++) {
            Row task = tasks.get(k);
            TaskResult t = expected.tasks().get(k);
            String tw = what + " task " + k;
            assertThat(task.<String>getAs("type")).as(tw).isEqualTo(t.task().taskType());
            assertThat(task.<String>getAs("arguments")).as(tw).isEqualTo(t.task().arguments());
            assertThat(task.<String>getAs("status")).as(tw).isEqualTo(t.status().name().toLowerCase(Locale.ROOT));
            assertThat(task.<String>getAs("expert")).as(tw).isEqualTo(t.expert().orElse(null));
            ExpertResult r = t.result().orElse(ExpertResult.ofDetections(List.of()));
            List<Row> boxes = task.getList(task.fieldIndex("boxes"));
            assertThat(boxes).as(tw).hasSize(r.detections().size());
            for (int b = 0; b < boxes.size(); b++) {
                Detection d = r.detections().get(b);
                Row box = boxes.get(b);
                double[] want = {d.box().x1(), d.box().y1(), d.box().x2(), d.box().y2()};
                for (int c = 0; c < 4; c++) {
                    assertThat(box.getDouble(c)).as(tw).isCloseTo(want[c], within(1e-3));
                }
                assertThat(box.<String>getAs("label")).as(tw).isEqualTo(d.label());
                assertThat(box.<Double>getAs("score")).as(tw).isCloseTo(d.score(), within(1e-4));
            }
            List<Row> masks = task.getList(task.fieldIndex("masks"));
            assertThat(masks).as(tw).hasSize(r.masks().size());
            for (int m = 0; m < masks.size(); m++) {
                ScoredMask sm = r.masks().get(m);
                Row mask = masks.get(m);
                List<Integer> size = mask.getList(mask.fieldIndex("size"));
                Mask got = new CocoRle(size.get(0), size.get(1), mask.getAs("counts")).toMask();
                if (!got.equals(sm.mask())) { // an empty mask has no IoU with anything, itself included
                    assertThat(got.iou(sm.mask())).as(tw).isGreaterThanOrEqualTo(0.99);
                }
                assertThat(mask.<Long>getAs("area")).as(tw).isEqualTo(got.area());
                assertThat(mask.<Double>getAs("score")).as(tw).isCloseTo(sm.score(), within(1e-3));
                assertThat(mask.<String>getAs("label")).as(tw).isEqualTo(sm.label());
            }
            byte[] png = task.getAs("image");
            if (withImages && r.image().isPresent()) {
                assertThat(png).as(tw).isNotNull();
                assertThat(differingPixels(ImagePreprocessor.decode(png, tw), r.image().get())).as(tw)
                        .isLessThanOrEqualTo(0.01);
            } else {
                assertThat(png).as(tw).isNull();
            }
            assertThat(task.<String>getAs("text")).as(tw).isEqualTo(r.text().orElse(null));
        }
    }

    /** The fraction of pixels that differ between two images of one size. */
    private static double differingPixels(BufferedImage a, BufferedImage b) {
        assertThat(a.getWidth()).isEqualTo(b.getWidth());
        assertThat(a.getHeight()).isEqualTo(b.getHeight());
        int[] pa = a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth());
        int[] pb = b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth());
        int differ = 0;
        for (int i = 0; i < pa.length; i++) {
            differ += pa[i] == pb[i] ? 0 : 1;
        }
        return differ / (double) pa.length;
    }

    @Test
    void badRowsGetAnErrorAndTheOtherRowsOfTheirPartitionGoOn() {
        SharedSpark.Ask good = SharedSpark.world(1, 5).get(0);
        byte[] png = ResultRows.png(good.image());
        String tooLong = String.join(" ", java.util.Collections.nCopies(80, "segment the red circle"));
        List<Row> in = List.of(
                SharedSpark.row(0, png, good.instruction()),
                SharedSpark.row(1, Arrays.copyOf(png, png.length / 2), good.instruction()),
                SharedSpark.row(2, png, null),
                SharedSpark.row(3, png, tooLong),
                SharedSpark.row(4, null, good.instruction()),
                SharedSpark.row(5, "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        good.instruction()),
                SharedSpark.row(6, png, good.instruction()));

        List<Row> got = transformer().transform(SharedSpark.rows(in, 1)).orderBy("id").collectAsList();

        assertThat(got).extracting(r -> r.<Row>getAs("error") == null ? null : r.<Row>getAs("error").getString(0))
                .containsExactly(null, "ImageException", "PromptException", "ContextLengthException",
                        "ImageException", "ImageException", null);
        assertThat(message(got.get(1))).contains("corrupt or truncated");
        assertThat(message(got.get(2))).contains("instruction (column 'instruction') is null");
        assertThat(message(got.get(3))).contains("context is 160 positions");
        assertThat(message(got.get(4))).contains("image (column 'content') is null");
        assertThat(message(got.get(5))).contains("not a PNG, JPEG, GIF or BMP image");
        Response expected = direct.ask(AskRequest.of(ImagePreprocessor.decode(png, "good"), good.instruction()));
        for (int i : new int[] {0, 6}) {
            assertSameAnswer(got.get(i).getAs("result"), expected, false, "row " + i);
        }
        for (int i = 1; i <= 5; i++) {
            assertThat(got.get(i).<Row>getAs("result")).as("row %d", i).isNull();
        }
    }

    private static String message(Row row) {
        return row.<Row>getAs("error").getString(1);
    }

    @Test
    void imagePathsAreReadThroughHadoopFileSystems(@TempDir Path dir) throws IOException {
        List<SharedSpark.Ask> asks = SharedSpark.world(3, 9);
        List<Row> in = new ArrayList<>();
        for (int i = 0; i < asks.size(); i++) {
            Path file = dir.resolve("img-" + i + ".png");
            Files.write(file, ResultRows.png(asks.get(i).image()));
            // a local path, a file: URI and a plain path again
            in.add(RowFactory.create(i == 1 ? file.toUri().toString() : file.toString(), asks.get(i).instruction()));
        }
        in.add(RowFactory.create(dir.resolve("missing.png").toString(), "find all circles"));
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("file", DataTypes.StringType, true),
                DataTypes.createStructField("instruction", DataTypes.StringType, true)));

        List<Row> got = transformer().setImageCol("file")
                .transform(SharedSpark.session().createDataFrame(in, schema)).collectAsList();

        for (int i = 0; i < asks.size(); i++) {
            byte[] png = Files.readAllBytes(dir.resolve("img-" + i + ".png"));
            Response expected = direct.ask(AskRequest.of(ImagePreprocessor.decode(png, "img"),
                    asks.get(i).instruction()));
            assertSameAnswer(got.get(i).getAs("result"), expected, false, "row " + i);
        }
        assertThat(got.get(3).<Row>getAs("error").getString(0)).isEqualTo("ImageException");
        assertThat(message(got.get(3))).contains("image file not found").contains("missing.png");
    }

    @Test
    void generationSettingsThatAreSetAreLaidOverTheModelsDefaults() {
        List<SharedSpark.Ask> asks = SharedSpark.world(6, 21);
        List<Row> in = new ArrayList<>();
        for (int i = 0; i < asks.size(); i++) {
            in.add(SharedSpark.row(i, ResultRows.png(asks.get(i).image()), asks.get(i).instruction()));
        }

        List<Row> got = transformer().setMaxNewTokens(3).transform(SharedSpark.rows(in, 2)).orderBy("id")
                .collectAsList();

        GenerationConfig three = GenerationConfig.builder().maxNewTokens(3).build();
        for (int i = 0; i < got.size(); i++) {
            byte[] png = in.get(i).getAs(1);
            Response expected = direct.ask(AskRequest.of(ImagePreprocessor.decode(png, "row"),
                    asks.get(i).instruction()).withGeneration(three));
            assertThat(expected.tokens().length).isLessThanOrEqualTo(3);
            assertSameAnswer(got.get(i).getAs("result"), expected, false, "row " + i);
        }
        assertThat(got).extracting(r -> r.<Row>getAs("result").<String>getAs("finish_reason"))
                .contains("max_tokens");
    }

    @Test
    void oneModelServesEveryTaskOfTheJvm() {
        List<SharedSpark.Ask> asks = SharedSpark.world(8, 3);
        List<Row> in = new ArrayList<>();
        for (int i = 0; i < asks.size(); i++) {
            in.add(SharedSpark.row(i, ResultRows.png(asks.get(i).image()), asks.get(i).instruction()));
        }
        // a batch size no other test uses: a model of its own, loaded by the first of four tasks that need it
        UnimllmTransformer t = transformer().setBatchSize(3);
        int before = ExecutorModels.loads();

        long answered = t.transform(SharedSpark.rows(in, 4)).filter(functions.col("error").isNull()).count();
        long again = t.transform(SharedSpark.rows(in, 4)).filter(functions.col("error").isNull()).count();

        assertThat(answered).isEqualTo(8);
        assertThat(again).isEqualTo(8);
        assertThat(ExecutorModels.loads() - before).isEqualTo(1);
    }

    @Test
    void columnsAreCheckedOnTheDriver() {
        Dataset<Row> rows = SharedSpark.rows(List.of(SharedSpark.row(0, new byte[0], "x")), 1);

        assertThatThrownBy(() -> transformer().setInstructionCol("question").transform(rows))
                .isInstanceOf(ColumnException.class)
                .hasMessageContaining("no instruction column 'question'")
                .hasMessageContaining("[id, content, instruction]");
        assertThatThrownBy(() -> transformer().setImageCol("id").transform(rows))
                .isInstanceOf(ColumnException.class)
                .hasMessageContaining("the image column 'id' is int; it must be binary");
        assertThatThrownBy(() -> transformer().setOutputCol("instruction").transform(rows))
                .isInstanceOf(ColumnException.class)
                .hasMessageContaining("already has a column 'instruction'");
        assertThatThrownBy(() -> transformer().setBatchSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchSize");
        assertThatThrownBy(() -> transformer().setDevice("tpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("device");
    }

    @Test
    void theOutputSchemaIsTheInputsWithTheResultAndErrorStructs() {
        StructType out = transformer().setOutputCol("answers").setErrorCol("problem")
                .transformSchema(SharedSpark.INPUT);

        assertThat(out.fieldNames()).containsExactly("id", "content", "instruction", "answers", "problem");
        assertThat(out.apply("answers").dataType()).isEqualTo(ResultSchema.RESULT);
        assertThat(out.apply("problem").dataType()).isEqualTo(ResultSchema.ERROR);
    }

    @Test
    void paramsAreSparkParamsThatCopyAndExplainThemselves() {
        UnimllmTransformer t = transformer().setMaxNewTokens(5).setWithImages(true);

        UnimllmTransformer copy = t.copy(ParamMap.empty().put(t.batchSize(), 2));

        assertThat(copy.uid()).isEqualTo(t.uid());
        assertThat(copy.getBatchSize()).isEqualTo(2);
        assertThat(copy.getMaxNewTokens()).isEqualTo(5);
        assertThat(copy.getWithImages()).isTrue();
        assertThat(copy.isSet(copy.temperature())).isFalse();
        assertThat(t.explainParams()).contains("modelDir: the model directory").contains("batchSize: the most rows")
                .contains("(default: 8, current: " + BATCH + ")");
        assertThat(t.params()).hasSize(16);
    }
}
