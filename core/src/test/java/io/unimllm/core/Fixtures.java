package io.unimllm.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Test helpers: the golden fixture checkpoints and ways to copy and break them. */
public final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** Directory of a fixture checkpoint under test resources {@code golden/}. */
    public static Path golden(String model) {
        try {
            return Path.of(Fixtures.class.getResource("/golden/" + model + "/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies every file of a fixture checkpoint into {@code target} (created if needed) and returns it. */
    public static Path copy(String model, Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(golden(model))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, target.resolve(f.getFileName().toString()));
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites {@code dir/model.safetensors} keeping only the tensors {@code keep} accepts. */
    public static void rewriteWeights(Path dir, Predicate<String> keep) {
        Path file = dir.resolve(SafetensorsCheckpoint.SINGLE_FILE);
        renameWeights(file, file, name -> keep.test(name) ? name : null);
    }

    /**
     * Writes the tensors of checkpoint {@code source} to the single file {@code target} under the names
     * {@code rename} gives (null drops a tensor).
     */
    public static void renameWeights(Path source, Path target, UnaryOperator<String> rename) {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(source)) {
            for (String name : ckpt.tensorNames()) {
                String newName = rename.apply(name);
                if (newName != null) {
                    ByteBuffer src = ckpt.data(name);
                    ByteBuffer copy = ByteBuffer.allocate(src.remaining());
                    copy.put(src).flip(); // copy out of the mapping before the file is replaced
                    entries.add(new SafetensorsWriter.Entry(newName, ckpt.info(name).dtype(),
                            ckpt.info(name).shape(), copy));
                }
            }
        }
        SafetensorsWriter.write(target, entries, Map.of("format", "pt"));
    }

    /**
     * Rewrites {@code dir/model.safetensors} after {@code edit} changed its list of tensors (replace, add or remove
     * entries; each entry's data is a copy, out of the mapping).
     */
    public static void editWeights(Path dir, Consumer<List<SafetensorsWriter.Entry>> edit) {
        Path file = dir.resolve(SafetensorsCheckpoint.SINGLE_FILE);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(file)) {
            for (String name : ckpt.tensorNames()) {
                ByteBuffer src = ckpt.data(name);
                ByteBuffer copy = ByteBuffer.allocate(src.remaining());
                copy.put(src).flip();
                entries.add(new SafetensorsWriter.Entry(name, ckpt.info(name).dtype(), ckpt.info(name).shape(), copy));
            }
        }
        edit.accept(entries);
        SafetensorsWriter.write(file, entries, Map.of("format", "pt"));
    }

    /** Sets rows {@code rows} (all when empty) of the F32 tensor {@code name} of {@code dir} to {@code value}. */
    public static void fillWeight(Path dir, String name, float value, int... rows) {
        editWeights(dir, entries -> {
            for (int i = 0; i < entries.size(); i++) {
                SafetensorsWriter.Entry e = entries.get(i);
                if (e.name().equals(name)) {
                    float[] v = new float[(int) (e.data().remaining() / Float.BYTES)];
                    e.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                    int width = v.length / (int) e.shape()[0];
                    if (rows.length == 0) {
                        Arrays.fill(v, value);
                    }
                    for (int r : rows) {
                        Arrays.fill(v, r * width, (r + 1) * width, value);
                    }
                    entries.set(i, SafetensorsWriter.Entry.f32(name, e.shape(), v));
                    return;
                }
            }
            throw new IllegalArgumentException("no tensor " + name + " in " + dir);
        });
    }

    /** Reads {@code dir/config.json}, lets {@code edit} change it and writes it back. */
    public static void editConfig(Path dir, Consumer<ObjectNode> edit) {
        Path file = dir.resolve("config.json");
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
            edit.accept(root);
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cuts {@code bytes} bytes off the end of a file. */
    public static void truncate(Path file, long bytes) {
        try (var ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
