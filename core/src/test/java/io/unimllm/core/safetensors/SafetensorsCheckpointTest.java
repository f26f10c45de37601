package io.unimllm.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.CheckpointException;
import io.unimllm.core.Fixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors reader: what {@link SafetensorsWriter} writes reads back bit for bit (single file, shards, files
 * over 2 GiB), and every kind of corrupt or inconsistent checkpoint is refused on open with a
 * {@link CheckpointException} that names the file and, where one is at fault, the tensor.
 */
class SafetensorsCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    private static SafetensorsWriter.Entry i64(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new SafetensorsWriter.Entry(name, TensorDType.I64, new long[] {values.length}, b);
    }

    private static List<SafetensorsWriter.Entry> sampleEntries() {
        // F16 1.0, -2.0, 0.5, 65504 (max half) as raw little-endian bits
        ByteBuffer f16 = bytes(0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38, 0xFF, 0x7B);
        return List.of(
                SafetensorsWriter.Entry.f32("layer.weight", new long[] {2, 3},
                        new float[] {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, -3.25f, 1e-30f}),
                new SafetensorsWriter.Entry("layer.half", TensorDType.F16, new long[] {2, 2}, f16),
                i64("positions", Long.MIN_VALUE, -1, 0, 1L << 40, Long.MAX_VALUE));
    }

    private static byte[] read(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static void assertReadsBack(SafetensorsCheckpoint ckpt, List<SafetensorsWriter.Entry> entries) {
        assertThat(ckpt.tensorNames()).containsExactlyInAnyOrderElementsOf(
                entries.stream().map(SafetensorsWriter.Entry::name).toList());
        for (SafetensorsWriter.Entry e : entries) {
            TensorInfo info = ckpt.info(e.name());
            assertThat(info.dtype()).as(e.name()).isEqualTo(e.dtype());
            assertThat(info.shape()).as(e.name()).containsExactly(e.shape());
            assertThat(info.byteLength()).as(e.name()).isEqualTo(e.data().remaining());
            ByteBuffer data = ckpt.data(e.name());
            assertThat(data.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(read(data)).as(e.name()).isEqualTo(read(e.data()));
        }
    }

    @Test
    void singleFileRoundTripsEveryDtypeBitForBitWithMetadata() {
        Path file = tmp.resolve("model.safetensors");
        List<SafetensorsWriter.Entry> entries = sampleEntries();
        SafetensorsWriter.write(file, entries, Map.of("format", "pt", "note", "round trip"));
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(tmp)) {
            assertReadsBack(ckpt, entries);
            assertThat(ckpt.tensorNames()).containsExactly("layer.weight", "layer.half", "positions");
            assertThat(ckpt.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("format", "pt", "note", "round trip"));
            assertThat(ckpt.files()).containsExactly(file);
            assertThat(ckpt.data("layer.weight").asFloatBuffer().get(3)).isEqualTo(Float.MAX_VALUE);
            assertThat(ckpt.data("positions").asLongBuffer().get(0)).isEqualTo(Long.MIN_VALUE);
        }
    }

    @Test
    void aSingleFileCanBeOpenedDirectlyAsWellAsThroughItsDirectory() {
        Path file = tmp.resolve("weights.safetensors");
        SafetensorsWriter.write(file, sampleEntries(), Map.of());
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(file)) {
            assertReadsBack(ckpt, sampleEntries());
            assertThat(ckpt.metadata()).isEmpty();
        }
    }

    @Test
    void shardedCheckpointSpreadsTensorsOverShardsAndReadsBackExactly() {
        List<SafetensorsWriter.Entry> entries = new java.util.ArrayList<>(sampleEntries());
        entries.add(SafetensorsWriter.Entry.f32("tail", new long[] {4}, new float[] {7, 8, 9, 10}));
        SafetensorsWriter.writeSharded(tmp, entries, 24);
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(tmp)) {
            assertReadsBack(ckpt, entries);
            assertThat(ckpt.files()).hasSizeGreaterThan(1)
                    .allSatisfy(f -> assertThat(f.getFileName().toString()).matches("model-\\d{5}-of-\\d{5}\\.safetensors"));
            assertThat(ckpt.metadata()).containsEntry("total_size", String.valueOf(24 + 8 + 40 + 16));
        }
    }

    @Test
    void missingTensorIsReportedByName() {
        SafetensorsWriter.write(tmp.resolve("model.safetensors"), sampleEntries(), Map.of());
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(tmp)) {
            assertThat(ckpt.contains("nope")).isFalse();
            assertThatThrownBy(() -> ckpt.info("nope")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("nope");
        }
    }

    // --- files over 2 GiB ---

    @Test
    void tensorBeyondTwoAndAHalfGibInASparseFileReadsBackExactly() throws IOException {
        long farOffset = 5L << 29; // 2.5 GiB into the data section
        float[] values = {3.5f, -1f, 42f, 1e-7f};
        ObjectNode header = JSON.createObjectNode();
        header.putObject("near").put("dtype", "F32").putPOJO("shape", new long[] {1})
                .putPOJO("data_offsets", new long[] {0, 4});
        header.putObject("far").put("dtype", "F32").putPOJO("shape", new long[] {2, 2})
                .putPOJO("data_offsets", new long[] {farOffset, farOffset + 16});
        byte[] json = JSON.writeValueAsBytes(header);
        Path file = tmp.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer head = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(json.length).put(json);
            raf.write(head.array());
            raf.write(new byte[] {0, 0, (byte) 0x80, 0x3F}); // near = 1.0f
            long dataStart = 8 + json.length;
            raf.setLength(dataStart + farOffset + 16); // sparse: no disk blocks for the hole
            ByteBuffer far = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            far.asFloatBuffer().put(values);
            raf.seek(dataStart + farOffset);
            raf.write(far.array());
        }
        try {
            assertThat(Files.size(file)).isGreaterThan(Integer.MAX_VALUE);
            try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(file)) {
                assertThat(ckpt.info("far").fileOffset()).isGreaterThan(Integer.MAX_VALUE);
                float[] got = new float[4];
                ckpt.data("far").asFloatBuffer().get(got);
                assertThat(got).containsExactly(values);
                assertThat(ckpt.data("near").getFloat(0)).isEqualTo(1.0f);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    // --- corrupt files ---

    /** Writes a file with the given header text and data section, exactly as given (no validation, no padding). */
    private Path raw(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path file = tmp.resolve("model.safetensors");
        Files.write(file, b.array());
        return file;
    }

    private static void assertRefused(Path file, String tensor, String... fragments) {
        assertOpenRefused(file, file, tensor, fragments);
    }

    /** Opening {@code opened} fails with a message naming {@code file}, {@code tensor} and every fragment. */
    private static void assertOpenRefused(Path opened, Path file, String tensor, String... fragments) {
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(opened).close())
                .isInstanceOfSatisfying(CheckpointException.class, e -> {
                    assertThat(e.getMessage()).contains(file.toString()).contains(fragments);
                    assertThat(e.file()).contains(file);
                    if (tensor != null) {
                        assertThat(e.tensor()).contains(tensor);
                        assertThat(e.getMessage()).contains("[tensor " + tensor + "]");
                    }
                });
    }

    @Test
    void fileShorterThanTheLengthPrefixIsRefused() throws IOException {
        Path file = tmp.resolve("model.safetensors");
        Files.write(file, new byte[] {1, 2, 3, 4, 5});
        assertRefused(file, null, "5 bytes", "shorter than the 8-byte header length");
    }

    @Test
    void headerLengthLargerThanTheFileIsRefused() throws IOException {
        Path file = tmp.resolve("model.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + 10).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        Files.write(file, b.array());
        assertRefused(file, null, "header length 1000", "18 bytes");
    }

    @Test
    void headerThatIsNotJsonIsRefused() throws IOException {
        assertRefused(raw("{\"a\": [1, 2", 0), null, "not valid JSON");
    }

    @Test
    void headerThatIsNotAnObjectIsRefused() throws IOException {
        assertRefused(raw("[1, 2, 3]", 0), null, "not a JSON object");
    }

    @Test
    void unknownDtypeIsRefusedNamingTheTensor() throws IOException {
        assertRefused(raw("{\"w\":{\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,1]}}", 1), "w",
                "unsupported dtype 'Q4_K'");
    }

    @Test
    void negativeShapeDimensionIsRefused() throws IOException {
        assertRefused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,8]}}", 8), "w",
                "shape dimension 1", "-1");
    }

    @Test
    void nonIntegerShapeDimensionIsRefused() throws IOException {
        assertRefused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8), "w",
                "shape dimension 0", "2.5");
    }

    @Test
    void missingDataOffsetsAreRefused() throws IOException {
        assertRefused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "w", "data_offsets");
    }

    @Test
    void reversedDataOffsetsAreRefused() throws IOException {
        assertRefused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8), "w",
                "[8, 4]", "not an ordered range");
    }

    @Test
    void truncatedFileIsRefusedNamingTheTensorThatNoLongerFits() {
        Path file = tmp.resolve("model.safetensors");
        SafetensorsWriter.write(file, sampleEntries(), Map.of());
        Fixtures.truncate(file, 3);
        assertRefused(file, "positions", "beyond the data section", "truncated");
    }

    @Test
    void byteRangeThatDisagreesWithShapeTimesDtypeIsRefused() throws IOException {
        assertRefused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8), "w",
                "4 bytes", "8 bytes");
    }

    @Test
    void overlappingByteRangesAreRefused() throws IOException {
        assertRefused(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "b", "overlaps tensor 'a'");
    }

    @Test
    void shardIndexNamingAMissingShardIsRefused() throws IOException {
        SafetensorsWriter.writeSharded(tmp, sampleEntries(), 24);
        Path missing = tmp.resolve("model-00002-of-00003.safetensors");
        Files.delete(missing);
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp))
                .isInstanceOfSatisfying(CheckpointException.class, e -> {
                    assertThat(e.getMessage()).contains("does not exist").contains(missing.toString());
                    assertThat(e.file()).contains(missing);
                });
    }

    @Test
    void shardIndexNamingATensorTheShardDoesNotHoldIsRefused() throws IOException {
        SafetensorsWriter.writeSharded(tmp, sampleEntries(), 24);
        Path index = tmp.resolve(SafetensorsCheckpoint.INDEX_FILE);
        ObjectNode root = (ObjectNode) JSON.readTree(index.toFile());
        ((ObjectNode) root.get("weight_map")).put("ghost.weight", "model-00001-of-00003.safetensors");
        JSON.writeValue(index.toFile(), root);
        Path shard = tmp.resolve("model-00001-of-00003.safetensors");
        assertOpenRefused(tmp, shard, "ghost.weight", "does not hold it");
    }

    @Test
    void directoryWithoutWeightsIsRefused() {
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp))
                .isInstanceOfSatisfying(CheckpointException.class, e -> {
                    assertThat(e.getMessage()).contains(tmp.toString()).contains("model.safetensors")
                            .contains("model.safetensors.index.json");
                    assertThat(e.file()).contains(tmp);
                });
    }
}
