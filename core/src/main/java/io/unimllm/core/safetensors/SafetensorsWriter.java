package io.unimllm.core.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.CheckpointException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes safetensors files (single or sharded with an index), the format {@link SafetensorsCheckpoint} reads. */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /**
     * One tensor to write.
     *
     * @param name tensor name
     * @param dtype element type
     * @param shape dimensions
     * @param data little-endian bytes, exactly elements x dtype size (read from position to limit)
     */
    public record Entry(String name, TensorDType dtype, long[] shape, ByteBuffer data) {
        /**
         * Validates the byte count and copies the shape.
         *
         * @param name tensor name
         * @param dtype element type
         * @param shape dimensions
         * @param data little-endian bytes, exactly elements x dtype size (read from position to limit)
         * @throws IllegalArgumentException when {@code data} holds more or fewer bytes than shape and dtype need
         */
        public Entry {
            long n = dtype.byteSize();
            for (long d : shape) {
                n *= d;
            }
            if (n != data.remaining()) {
                throw new IllegalArgumentException("tensor " + name + ": " + data.remaining()
                        + " bytes given, shape x dtype needs " + n);
            }
            shape = shape.clone();
        }

        /**
         * An F32 tensor from a float array.
         *
         * @param name tensor name
         * @param shape dimensions, whose product must be {@code values.length}
         * @param values the elements in row-major order
         * @return the entry, over a copy of the values
         * @throws IllegalArgumentException when the shape does not fit the number of values
         */
        public static Entry f32(String name, long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Entry(name, TensorDType.F32, shape, b);
        }
    }

    /**
     * Writes one file with the given metadata, replacing any file already there; tensors are laid out in list order.
     *
     * @param file the file to write
     * @param entries the tensors, with distinct names
     * @param metadata the {@code __metadata__} entries (may be empty, then the header has none)
     * @throws CheckpointException when the file cannot be written
     */
    public static void write(Path file, List<Entry> entries, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode md = header.putObject("__metadata__");
            metadata.forEach(md::put);
        }
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode t = header.putObject(e.name());
            t.put("dtype", e.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
            ArrayNode off = t.putArray("data_offsets");
            off.add(offset);
            offset += e.data().remaining();
            off.add(offset);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new CheckpointException("cannot serialise header: " + e.getMessage(), file, null, e);
        }
        int padded = (json.length + 7) / 8 * 8; // data section 8-byte aligned, as the reference writer does
        byte[] headerBytes = new byte[padded];
        java.util.Arrays.fill(headerBytes, (byte) ' ');
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        try (OutputStream out = Files.newOutputStream(file); WritableByteChannel ch = Channels.newChannel(out)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            len.flip();
            ch.write(len);
            ch.write(ByteBuffer.wrap(headerBytes));
            for (Entry e : entries) {
                ByteBuffer d = e.data().duplicate();
                while (d.hasRemaining()) {
                    ch.write(d);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot write safetensors file: " + e.getMessage(), file, null, e);
        }
    }

    /**
     * Writes {@code model-0000i-of-0000n.safetensors} shards of at most {@code maxShardBytes} each (a tensor never
     * spans shards) plus {@code model.safetensors.index.json} into {@code dir}.
     *
     * @param dir the checkpoint directory, which must exist
     * @param entries the tensors, in the order they are laid out across the shards
     * @param maxShardBytes the data size after which a new shard starts (a larger tensor gets a shard of its own)
     * @throws CheckpointException when a file cannot be written
     */
    public static void writeSharded(Path dir, List<Entry> entries, long maxShardBytes) {
        List<List<Entry>> shards = new ArrayList<>();
        List<Entry> current = new ArrayList<>();
        long size = 0;
        long total = 0;
        for (Entry e : entries) {
            long n = e.data().remaining();
            if (!current.isEmpty() && size + n > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(e);
            size += n;
            total += n;
        }
        if (!current.isEmpty()) {
            shards.add(current);
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            write(dir.resolve(name), shards.get(i), Map.of("format", "pt"));
            for (Entry e : shards.get(i)) {
                weightMap.put(e.name(), name);
            }
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode wm = index.putObject("weight_map");
        weightMap.forEach(wm::put);
        Path indexFile = dir.resolve(SafetensorsCheckpoint.INDEX_FILE);
        try {
            Files.write(indexFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(index)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException("cannot write shard index: " + e.getMessage(), indexFile, null, e);
        }
    }
}
