package io.unimllm.core.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.core.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read access to the weights of a checkpoint: one {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}. Files are memory-mapped tensor by tensor, so files larger than 2 GiB work and
 * nothing is copied into the Java heap. Every header is validated on open.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
    /** Name of the single-file checkpoint. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** Name of the shard index. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> owner;
    private final Map<String, String> metadata;

    private SafetensorsCheckpoint(List<SafetensorsFile> files, Map<String, SafetensorsFile> owner,
            Map<String, String> metadata) {
        this.files = files;
        this.owner = owner;
        this.metadata = metadata;
    }

    /**
     * Opens a checkpoint directory (single file or shard index) or one {@code .safetensors} file. A directory with a
     * shard index is read through the index even when it also holds {@code model.safetensors}.
     *
     * @param dirOrFile the checkpoint directory or a safetensors file
     * @return the open checkpoint, to be closed by the caller
     * @throws CheckpointException when no weights are found or a file is corrupt, truncated or inconsistent
     */
    public static SafetensorsCheckpoint open(Path dirOrFile) {
        if (Files.isRegularFile(dirOrFile)) {
            return single(dirOrFile);
        }
        if (!Files.isDirectory(dirOrFile)) {
            throw new CheckpointException("checkpoint path does not exist", dirOrFile, null);
        }
        Path index = dirOrFile.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return sharded(dirOrFile, index);
        }
        Path single = dirOrFile.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return single(single);
        }
        throw new CheckpointException("directory has neither " + SINGLE_FILE + " nor " + INDEX_FILE, dirOrFile, null);
    }

    private static SafetensorsCheckpoint single(Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
        f.tensors().keySet().forEach(n -> owner.put(n, f));
        return new SafetensorsCheckpoint(List.of(f), owner, f.metadata());
    }

    private static SafetensorsCheckpoint sharded(Path dir, Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new CheckpointException("shard index is not valid JSON: " + e.getMessage(), index, null, e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new CheckpointException("shard index has no weight_map", index, null);
        }
        Map<String, SafetensorsFile> byShard = new LinkedHashMap<>();
        Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String shard = e.getValue().asText();
                Path shardPath = dir.resolve(shard).normalize();
                if (!shardPath.startsWith(dir.normalize()) || shard.isEmpty()) {
                    throw new CheckpointException("weight_map names shard '" + shard + "' outside the checkpoint",
                            index, e.getKey());
                }
                SafetensorsFile f = byShard.get(shard);
                if (f == null) {
                    f = SafetensorsFile.open(shardPath);
                    byShard.put(shard, f);
                    files.add(f);
                }
                if (!f.tensors().containsKey(e.getKey())) {
                    throw new CheckpointException("weight_map says the tensor is in " + shard
                            + " but that shard does not hold it", shardPath, e.getKey());
                }
                owner.put(e.getKey(), f);
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode md = root.get("metadata");
        if (md != null && md.isObject()) {
            md.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
        }
        return new SafetensorsCheckpoint(files, owner, metadata);
    }

    /**
     * Names of all tensors, in header order (weight_map order for a sharded checkpoint).
     *
     * @return the names, unmodifiable
     */
    public Set<String> tensorNames() {
        return Collections.unmodifiableSet(owner.keySet());
    }

    /**
     * Whether the checkpoint holds a tensor.
     *
     * @param name the tensor name
     * @return true when the checkpoint holds a tensor of that name
     */
    public boolean contains(String name) {
        return owner.containsKey(name);
    }

    /**
     * Describes one tensor.
     *
     * @param name the tensor name
     * @return its dtype, shape and location
     * @throws CheckpointException when there is no such tensor
     */
    public TensorInfo info(String name) {
        SafetensorsFile f = owner.get(name);
        if (f == null) {
            throw new CheckpointException("checkpoint has no tensor of this name", files.get(0).path().getParent(),
                    name);
        }
        return f.tensors().get(name);
    }

    /**
     * The bytes of one tensor: a read-only, little-endian, memory-mapped buffer positioned at its first byte.
     *
     * @param name the tensor name
     * @return a buffer over exactly the tensor's bytes
     * @throws CheckpointException when there is no such tensor, or it cannot be mapped (for instance because it is
     *     larger than 2 GiB)
     */
    public ByteBuffer data(String name) {
        TensorInfo info = info(name);
        return owner.get(name).map(info);
    }

    /**
     * {@code __metadata__} of a single file, or {@code metadata} of a shard index.
     *
     * @return the metadata, values as text; empty when there is none
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The files this checkpoint reads.
     *
     * @return the safetensors files, in the order they were opened
     */
    public List<Path> files() {
        return files.stream().map(SafetensorsFile::path).toList();
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
