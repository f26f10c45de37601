package io.unimllm.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
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
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(file)) {
            for (String name : ckpt.tensorNames()) {
                if (keep.test(name)) {
                    ByteBuffer src = ckpt.data(name);
                    ByteBuffer copy = ByteBuffer.allocate(src.remaining());
                    copy.put(src).flip(); // copy out of the mapping before the file is replaced
                    entries.add(new SafetensorsWriter.Entry(name, ckpt.info(name).dtype(), ckpt.info(name).shape(),
                            copy));
                }
            }
        }
        SafetensorsWriter.write(file, entries, Map.of("format", "pt"));
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
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
