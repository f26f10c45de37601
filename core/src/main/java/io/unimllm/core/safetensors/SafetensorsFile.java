package io.unimllm.core.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.core.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One safetensors file: its validated header and memory-mapped access to its tensors.
 *
 * <p>Layout: 8 bytes little-endian header length N, N bytes of UTF-8 JSON ({@code name -> {dtype, shape,
 * data_offsets:[begin,end]}} plus optional {@code __metadata__}), then the data section. Offsets are relative to the
 * data section. The header is validated completely on open: a file that passes can be read without native crashes.
 */
final class SafetensorsFile implements AutoCloseable {
    /** Refuse headers larger than this: real ones are a few MB even for 70B checkpoints. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("safetensors file does not exist", path, null, e);
        } catch (IOException e) {
            throw new CheckpointException("cannot open safetensors file: " + e.getMessage(), path, null, e);
        }
        try {
            SafetensorsFile f = parse(path, channel);
            return f;
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel channel) {
        try {
            long size = channel.size();
            if (size < 8) {
                throw new CheckpointException("file is " + size + " bytes, shorter than the 8-byte header length",
                        path, null);
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
                throw new CheckpointException("header length " + headerLen + " is impossible for a file of " + size
                        + " bytes (truncated or not a safetensors file)", path, null);
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(channel, header, 8);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            JsonNode root;
            try {
                root = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                throw new CheckpointException("header is not valid JSON: " + e.getOriginalMessage(), path, null, e);
            }
            if (root == null || !root.isObject()) {
                throw new CheckpointException("header is not a JSON object", path, null);
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if ("__metadata__".equals(e.getKey())) {
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), tensorInfo(path, e.getKey(), e.getValue(), dataStart, dataLen));
            }
            checkNoOverlap(path, tensors);
            return new SafetensorsFile(path, channel, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            throw new CheckpointException("cannot read safetensors header: " + e.getMessage(), path, null, e);
        }
    }

    private static TensorInfo tensorInfo(Path path, String name, JsonNode node, long dataStart, long dataLen) {
        if (!node.isObject()) {
            throw new CheckpointException("header entry is not an object", path, name);
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new CheckpointException("header entry has no dtype", path, name);
        }
        TensorDType dtype = TensorDType.parse(dt.asText()).orElseThrow(() -> new CheckpointException(
                "unsupported dtype '" + dt.asText() + "'", path, name));
        JsonNode sh = node.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new CheckpointException("header entry has no shape array", path, name);
        }
        long[] shape = new long[sh.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new CheckpointException("shape dimension " + i + " is " + d + ", not a non-negative integer",
                        path, name);
            }
            shape[i] = d.asLong();
            elements = Math.multiplyExact(elements, shape[i]);
        }
        JsonNode off = node.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber()) {
            throw new CheckpointException("data_offsets must be [begin, end]", path, name);
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new CheckpointException("data_offsets [" + begin + ", " + end + "] are not an ordered range", path,
                    name);
        }
        if (end > dataLen) {
            throw new CheckpointException("data_offsets end " + end + " lies beyond the data section of " + dataLen
                    + " bytes (file truncated?)", path, name);
        }
        long expected = Math.multiplyExact(elements, dtype.byteSize());
        if (end - begin != expected) {
            throw new CheckpointException("byte range of " + (end - begin) + " bytes does not match shape x dtype = "
                    + expected + " bytes", path, name);
        }
        return new TensorInfo(name, dtype, shape, path, dataStart + begin, end - begin);
    }

    private static void checkNoOverlap(Path path, Map<String, TensorInfo> tensors) {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::fileOffset));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (cur.fileOffset() < prev.fileOffset() + prev.byteLength()) {
                throw new CheckpointException("byte range overlaps tensor '" + prev.name() + "'", path, cur.name());
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    Path path() {
        return path;
    }

    Map<String, TensorInfo> tensors() {
        return tensors;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    /** Maps one tensor read-only, little-endian. Tensors over 2 GiB - 1 byte cannot be one Java buffer. */
    ByteBuffer map(TensorInfo info) {
        if (info.byteLength() > Integer.MAX_VALUE) {
            throw new CheckpointException("tensor of " + info.byteLength()
                    + " bytes exceeds the 2 GiB a single mapped buffer can hold", path, info.name());
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, info.fileOffset(), info.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException("cannot map tensor data: " + e.getMessage(), path, info.name(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing useful to do: the file was only read
        }
    }

    static boolean isFile(Path p) {
        return Files.isRegularFile(p);
    }
}
