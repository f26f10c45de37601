package io.unimllm.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.AskRequest;
import io.unimllm.UnifiedMllm;
import io.unimllm.core.image.ImagePreprocessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example job: a folder of images and an instruction file (CSV or JSON Lines) in, Parquet out, read back with
 * the schema that docs/spark.md prints and the answers the runtime gives; bad rows are counted, not fatal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkAskTest {
    private final List<SharedSpark.Ask> asks = SharedSpark.world(3, 31);
    private UnifiedMllm direct;
    private Path images;

    @BeforeAll
    void setUp(@TempDir Path tmp) throws IOException {
        direct = UnifiedMllm.load(SharedSpark.SHIPPED);
        images = Files.createDirectory(tmp.resolve("images"));
        for (int i = 0; i < asks.size(); i++) {
            Files.write(images.resolve("img-" + i + ".png"), ResultRows.png(asks.get(i).image()));
        }
        byte[] png = ResultRows.png(asks.get(0).image());
        Files.write(images.resolve("broken.png"), java.util.Arrays.copyOf(png, png.length / 3));
        Files.writeString(images.resolve("notes.txt"), "not an image, and not read");
    }

    @AfterAll
    void close() {
        direct.close();
    }

    @Test
    void aCsvOfInstructionsBecomesParquetWithTheDocumentedSchema(@TempDir Path tmp) throws IOException {
        Path csv = tmp.resolve("ask.csv");
        List<String> lines = new ArrayList<>(List.of("image,instruction"));
        for (int i = 0; i < asks.size(); i++) {
            lines.add("img-" + i + ".png,\"" + asks.get(i).instruction() + "\"");
        }
        lines.add("img-0.png,how many shapes are there ?");
        lines.add("broken.png,find all circles");
        lines.add("absent.png,find all circles");
        Files.write(csv, lines);
        Path out = tmp.resolve("answers");

        SparkAsk.Summary s = SparkAsk.run(SharedSpark.session(), SparkAsk.Options.parse("--model",
                SharedSpark.SHIPPED.toString(), "--images", images.toString(), "--instructions", csv.toString(),
                "--out", out.toString(), "--batch-size", "4", "--partitions", "2"));

        assertThat(s.rows()).isEqualTo(6);
        assertThat(s.errors()).isEqualTo(2);
        Dataset<Row> back = SharedSpark.session().read().parquet(out.toString());
        assertThat(back.schema().treeString()).isEqualTo(documentedSchema());
        List<Row> rows = back.orderBy("image", "instruction").collectAsList();
        assertThat(rows).extracting(r -> r.<String>getAs("image")).containsExactly("absent.png", "broken.png",
                "img-0.png", "img-0.png", "img-1.png", "img-2.png");
        assertThat(rows.get(0).<Row>getAs("error").<String>getAs("message"))
                .contains("image (column 'content') is null");
        assertThat(rows.get(1).<Row>getAs("error").<String>getAs("message")).contains("broken.png")
                .contains("corrupt or truncated");
        for (Row r : rows.subList(2, rows.size())) {
            byte[] png = Files.readAllBytes(images.resolve(r.<String>getAs("image")));
            assertThat(r.<String>getAs("path")).endsWith("/" + r.getAs("image"));
            UnimllmTransformerTest.assertSameAnswer(r.getAs("result"), direct.ask(AskRequest.of(
                    ImagePreprocessor.decode(png, "img"), r.getAs("instruction"))), false, r.getAs("image"));
        }
    }

    @Test
    void jsonLinesWorkToo(@TempDir Path tmp) throws IOException {
        Path jsonl = tmp.resolve("ask.jsonl");
        Files.writeString(jsonl, "{\"image\": \"img-1.png\", \"instruction\": \"" + asks.get(1).instruction()
                + "\"}\n{\"image\": \"img-2.png\", \"instruction\": null}\n");
        Path out = tmp.resolve("answers");

        SparkAsk.Summary s = SparkAsk.run(SharedSpark.session(), SparkAsk.Options.parse("--model",
                SharedSpark.SHIPPED.toString(), "--images", images.toString(), "--instructions", jsonl.toString(),
                "--out", out.toString(), "--batch-size", "4"));

        assertThat(s.rows()).isEqualTo(2);
        assertThat(s.errors()).isEqualTo(1);
        List<Row> rows = SharedSpark.session().read().parquet(out.toString()).orderBy("image").collectAsList();
        assertThat(rows.get(0).<Row>getAs("result").<String>getAs("answer")).isEqualTo(direct.ask(
                AskRequest.of(ImagePreprocessor.decode(images.resolve("img-1.png")), asks.get(1).instruction()))
                .text());
        assertThat(rows.get(1).<Row>getAs("error").<String>getAs("type")).isEqualTo("PromptException");
    }

    @Test
    void anInstructionFileWithoutItsColumnsIsRefused(@TempDir Path tmp) throws IOException {
        Path csv = Files.writeString(tmp.resolve("ask.csv"), "file,question\na.png,find all circles\n");

        assertThatThrownBy(() -> SparkAsk.run(SharedSpark.session(), SparkAsk.Options.parse("--model",
                SharedSpark.SHIPPED.toString(), "--images", images.toString(), "--instructions", csv.toString(),
                "--out", tmp.resolve("out").toString()))).isInstanceOf(ColumnException.class)
                .hasMessageContaining("has no 'image' column").hasMessageContaining("[file, question]");
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhat() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(SparkAsk.run(new String[] {"--model", "m", "--images", "i"}, o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing --instructions, --out").contains("usage:");
        err.reset();
        assertThat(SparkAsk.run(new String[] {"--modle", "m"}, o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --modle");
        err.reset();
        assertThat(SparkAsk.run(new String[] {"--batch-size", "zero"}, o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--batch-size must be a number, got 'zero'");
    }

    /** The schema block of docs/spark.md, the one after the {@code parquet-schema} marker. */
    private static String documentedSchema() throws IOException {
        List<String> doc = Files.readAllLines(SharedSpark.ROOT.resolve("docs/spark.md"));
        int marker = doc.indexOf("<!-- parquet-schema: SparkAskTest checks this block -->");
        assertThat(marker).as("the marker in docs/spark.md").isNotNegative();
        StringBuilder block = new StringBuilder();
        for (int i = marker + 2; !doc.get(i).startsWith("```"); i++) {
            block.append(doc.get(i)).append('\n');
        }
        return block.toString();
    }
}
