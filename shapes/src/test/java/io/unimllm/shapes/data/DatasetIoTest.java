package io.unimllm.shapes.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.shapes.world.Phrasings;
import io.unimllm.shapes.world.Sample;
import io.unimllm.shapes.world.WorldGenerator;
import io.unimllm.training.data.DatasetException;
import io.unimllm.training.data.DatasetRecord;
import io.unimllm.training.data.JsonlDatasetReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetIoTest {
    @TempDir
    Path dir;

    @Test
    void writtenSamplesReadBackWithTheSameContent() {
        List<Sample> samples = new WorldGenerator(48, Phrasings.TRAIN, 4).next(24);
        Path jsonl = DatasetWriter.write(dir, "train", samples);
        List<DatasetRecord> records;
        try (JsonlDatasetReader r = JsonlDatasetReader.open(jsonl); Stream<DatasetRecord> s = r.stream()) {
            records = s.toList();
        }
        assertThat(records).hasSize(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            DatasetRecord r = records.get(i);
            assertThat(r.id()).isEqualTo(String.format("train-%06d", i));
            assertThat(r.line()).isEqualTo(i + 1);
            assertThat(r.userContent()).isEqualTo("<image>\n" + s.instruction());
            assertThat(r.instruction()).isEqualTo(s.instruction());
            assertThat(r.assistantContent()).isEqualTo(s.answer());
            assertThat(r.task()).contains(s.task().id());
            assertThat(Phrasings.Task.fromId(r.task().orElseThrow())).isEqualTo(s.task());
            assertThat(r.boxes()).isEqualTo(s.boxes());
            assertThat(r.masks()).hasSize(s.mask().isPresent() ? 1 : 0);
            if (s.mask().isPresent()) {
                assertThat(r.loadMask(0)).isEqualTo(s.mask().get());
            }
            BufferedImage img = s.scene().render();
            assertThat(r.loadImage().getRGB(0, 0, 48, 48, null, 0, 48)).isEqualTo(img.getRGB(0, 0, 48, 48, null, 0, 48));
            assertThat(r.edited().isPresent())
                    .isEqualTo(s.task() == Phrasings.Task.RECOLOUR || s.task() == Phrasings.Task.REMOVE);
            if (s.edited().isPresent()) {
                assertThat(r.loadEdited().orElseThrow().getRGB(0, 0, 48, 48, null, 0, 48))
                        .isEqualTo(s.edited().get().getRGB(0, 0, 48, 48, null, 0, 48));
            }
        }
    }

    @Test
    void splitIsWrittenAsThreeDatasetsWithHeldOutPhrasingsInTest() {
        List<Path> files = DatasetWriter.writeSplit(dir, 48, 3, 4, 5, 3, 4);
        assertThat(files).containsExactly(dir.resolve("train/data.jsonl"), dir.resolve("validation/data.jsonl"),
                dir.resolve("test/data.jsonl"));
        List<DatasetRecord> test = JsonlDatasetReader.readAll(files.get(2));
        assertThat(test).extracting(DatasetRecord::id)
                .containsExactly("test-000000", "test-000001", "test-000002", "test-000003");
        List<Sample> expected = new WorldGenerator(48, Phrasings.TEST, 4 * 3 + 2).next(4);
        assertThat(test).extracting(DatasetRecord::instruction)
                .containsExactlyElementsOf(expected.stream().map(Sample::instruction).toList());
        assertThat(JsonlDatasetReader.readAll(dir.resolve("validation"))).hasSize(3);
        assertThat(JsonlDatasetReader.readAll(dir.resolve("train"))).extracting(DatasetRecord::instruction)
                .containsExactlyElementsOf(new WorldGenerator(48, Phrasings.TRAIN, 12).next(5).stream()
                        .map(Sample::instruction).toList());
    }

    @Test
    void commandLineWritesSplitAndTheWorldTokenizer() {
        GenerateWorldData.run(dir.toString(), "--seed", "3", "--train", "4", "--val", "2", "--test", "3", "--size",
                "64", "--shapes", "4");
        assertThat(JsonlDatasetReader.readAll(dir.resolve("train"))).hasSize(4);
        List<DatasetRecord> test = JsonlDatasetReader.readAll(dir.resolve("test"));
        assertThat(test).hasSize(3);
        assertThat(test.get(0).loadImage().getWidth()).isEqualTo(64);
        assertThat(test).extracting(DatasetRecord::assistantContent).containsExactlyElementsOf(
                new WorldGenerator(64, 4, Phrasings.TEST, 11).next(3).stream().map(Sample::answer).toList());
        assertThat(dir.resolve("tokenizer/tokenizer.json")).isRegularFile();
        assertThat(dir.resolve("tokenizer/tokenizer_config.json")).isRegularFile();
        assertThatThrownBy(() -> GenerateWorldData.run(dir.toString(), "--train", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--train needs an integer");
    }

    @Test
    void badJsonIsReportedWithFileAndLine() throws IOException {
        Path f = dataset("{\"image\":\"a.png\",\"conversation\":" + CONV + "}", "{not json");
        assertThatThrownBy(() -> JsonlDatasetReader.readAll(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("data.jsonl:2").hasMessageContaining("bad JSON")
                .satisfies(e -> assertThat(((DatasetException) e).line()).isEqualTo(2));
    }

    @Test
    void missingFieldIsNamed() throws IOException {
        Path f = dataset("", "{\"image\":\"a.png\"}");
        assertThatThrownBy(() -> JsonlDatasetReader.readAll(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining(":2:").hasMessageContaining("missing field 'conversation'");
    }

    @Test
    void missingImageFileIsNamed() throws IOException {
        Path f = dataset("{\"image\":\"nope.png\",\"conversation\":" + CONV + "}");
        assertThatThrownBy(() -> JsonlDatasetReader.readAll(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining(":1:").hasMessageContaining("image file missing: nope.png");
    }

    @Test
    void boxOutsideTheImageIsRejected() throws IOException {
        Path f = dataset("{\"image\":\"a.png\",\"conversation\":" + CONV + "}",
                "{\"image\":\"a.png\",\"conversation\":" + CONV + ",\"boxes\":[[0,0,10,10],[40,0,70,10]]}");
        assertThatThrownBy(() -> JsonlDatasetReader.readAll(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining(":2:").hasMessageContaining("boxes[1]").hasMessageContaining("48x48");
    }

    @Test
    void unknownRoleAndMaskCountMismatchAreRejected() throws IOException {
        Path f = dataset("{\"image\":\"a.png\",\"conversation\":[{\"role\":\"bot\",\"content\":\"x\"}]}");
        assertThatThrownBy(() -> JsonlDatasetReader.readAll(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining(":1:").hasMessageContaining("unknown role 'bot'");
        Path g = dataset("{\"image\":\"a.png\",\"conversation\":" + CONV
                + ",\"boxes\":[[0,0,1,1],[1,1,2,2]],\"masks\":[\"a.png\"]}");
        assertThatThrownBy(() -> JsonlDatasetReader.readAll(g)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("'masks' has 1 entries but 'boxes' has 2");
    }

    @Test
    void conversationWithoutAssistantIsRejected() throws IOException {
        Path f = dataset("{\"image\":\"a.png\",\"conversation\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThatThrownBy(() -> JsonlDatasetReader.readAll(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("one user and one assistant");
    }

    @Test
    void readerStreamsLazily() throws IOException {
        // the bad line 3 is only reached when the stream gets that far
        Path f = dataset("{\"image\":\"a.png\",\"conversation\":" + CONV + "}",
                "{\"image\":\"a.png\",\"conversation\":" + CONV + "}", "]");
        try (JsonlDatasetReader r = JsonlDatasetReader.open(f)) {
            assertThat(r.next().line()).isEqualTo(1);
            assertThat(r.next().line()).isEqualTo(2);
            assertThatThrownBy(r::hasNext).isInstanceOf(DatasetException.class).hasMessageContaining(":3:");
        }
    }

    private static final String CONV =
            "[{\"role\":\"user\",\"content\":\"<image>\\nhi\"},{\"role\":\"assistant\",\"content\":\"yes\"}]";

    private Path dataset(String... lines) throws IOException {
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(48, 48, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", dir.resolve("a.png").toFile());
        Path f = dir.resolve("data.jsonl");
        Files.write(f, List.of(lines));
        return f;
    }
}
