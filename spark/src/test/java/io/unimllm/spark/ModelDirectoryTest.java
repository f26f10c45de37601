package io.unimllm.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.core.CheckpointException;
import io.unimllm.protocol.ConfigException;
import io.unimllm.tokenizer.TokenizerException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A missing or corrupt model directory fails {@code transform} on the driver, with the typed error that names the
 * file, before any Spark job or task runs; turned off, the check falls to the executors, whose failing load fails
 * the job.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelDirectoryTest {
    private Dataset<Row> rows;

    @BeforeAll
    void rows() {
        SharedSpark.Ask ask = SharedSpark.world(1, 1).get(0);
        rows = SharedSpark.rows(List.of(SharedSpark.row(0, ResultRows.png(ask.image()), ask.instruction())), 1);
    }

    private static UnimllmTransformer at(Path dir) {
        return new UnimllmTransformer().setModelDir(dir.toString());
    }

    /** A copy of the shipped model to break. */
    private static Path copy(Path to) throws IOException {
        try (Stream<Path> files = Files.list(SharedSpark.SHIPPED)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    @Test
    void aMissingDirectoryFailsOnTheDriverBeforeAnyJob(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-model");
        SharedSpark.session().sparkContext().setJobGroup("missing-model", "a transform of a missing model", false);
        try {
            // transform itself throws: no dataset is returned, so no action, job or task can follow
            assertThatThrownBy(() -> at(missing).transform(rows)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("the model directory does not exist")
                    .hasMessageContaining(missing.toString());
            assertThat(SharedSpark.session().sparkContext().statusTracker().getJobIdsForGroup("missing-model"))
                    .isEmpty();
        } finally {
            SharedSpark.session().sparkContext().clearJobGroup();
        }
    }

    @Test
    void anUnsetDirectoryAFileOrARemoteUriIsRefused(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("model.zip"), "zip");

        assertThatThrownBy(() -> new UnimllmTransformer().transform(rows)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not set (setModelDir)");
        assertThatThrownBy(() -> at(file).transform(rows)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("the model path is a file");
        assertThatThrownBy(() -> new UnimllmTransformer().setModelDir("hdfs://nn/models/x").transform(rows))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be a local path")
                .hasMessageContaining("not a hdfs URI");
    }

    @Test
    void corruptFilesAreNamed(@TempDir Path tmp) throws IOException {
        Path config = copy(Files.createDirectory(tmp.resolve("config")));
        Files.writeString(config.resolve("config.json"), "{\"model_type\": ");
        Path weights = copy(Files.createDirectory(tmp.resolve("weights")));
        try (RandomAccessFile f = new RandomAccessFile(weights.resolve("model.safetensors").toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        Path tokenizer = copy(Files.createDirectory(tmp.resolve("tokenizer")));
        Files.delete(tokenizer.resolve("tokenizer.json"));
        Path manifest = copy(Files.createDirectory(tmp.resolve("manifest")));
        Files.writeString(manifest.resolve("unimllm.json"), "[");

        assertThatThrownBy(() -> at(config).transform(rows)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.json is not valid JSON");
        assertThatThrownBy(() -> at(weights).transform(rows)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors");
        assertThatThrownBy(() -> at(tokenizer).transform(rows)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("missing tokenizer.json");
        assertThatThrownBy(() -> at(manifest).transform(rows)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unimllm.json");
    }

    @Test
    void aModelShippedAsAnArchiveIsFoundByItsName(@TempDir Path tmp) throws IOException {
        // what spark-submit --archives shapes-tiny.zip#shipped-model does, in this running session
        Path zip = tmp.resolve("shapes-tiny.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             Stream<Path> files = Files.list(SharedSpark.SHIPPED)) {
            for (Path f : files.toList()) {
                out.putNextEntry(new ZipEntry(f.getFileName().toString()));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        SharedSpark.session().sparkContext().addArchive(zip.toUri() + "#shipped-model");

        List<Row> got = new UnimllmTransformer().setModelDir("shipped-model").transform(rows).collectAsList();

        assertThat(Path.of("shipped-model")).doesNotExist();
        assertThat(got).hasSize(1);
        assertThat(got.get(0).<Row>getAs("error")).isNull();
        assertThat(got.get(0).<Row>getAs("result").<String>getAs("answer")).isNotNull();
    }

    @Test
    void withoutTheDriversCheckTheExecutorsLoadFailsTheJob(@TempDir Path tmp) {
        Path missing = tmp.resolve("only-on-executors");

        assertThatThrownBy(() -> at(missing).setCheckModel(false).transform(rows).collectAsList())
                .isInstanceOf(SparkException.class).hasMessageContaining("config.json not found");
    }
}
