package io.unimllm.shapes.data;

import io.unimllm.shapes.world.WorldGenerator;
import io.unimllm.shapes.world.WorldTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Command line: writes a split of the world ({@link WorldGenerator}, the one the shipped model learns) and its
 * tokenizer.
 *
 * <pre>GenerateWorldData OUT_DIR [--seed 42] [--train 2000] [--val 200] [--test 500] [--size 48] [--shapes 3]</pre>
 *
 * produces {@code OUT_DIR/train}, {@code OUT_DIR/validation}, {@code OUT_DIR/test} (each a {@code data.jsonl} with
 * its PNGs, see {@link DatasetWriter#writeSplit}) and {@code OUT_DIR/tokenizer} (the {@link WorldTokenizer}'s
 * {@code tokenizer.json}, {@code tokenizer_config.json}).
 */
public final class GenerateWorldData {
    private static final Set<String> OPTIONS = Set.of("--seed", "--train", "--val", "--test", "--size",
            "--shapes");

    private GenerateWorldData() {
    }

    /**
     * Entry point; see the class comment for the arguments.
     *
     * @param args the output directory, then options
     */
    public static void main(String[] args) {
        run(args);
    }

    /**
     * Parses {@code args} and writes the split and the tokenizer.
     *
     * @param args the output directory, then options (see the class comment)
     * @return the output directory
     * @throws IllegalArgumentException when the arguments are malformed or out of range
     * @throws UncheckedIOException when a file cannot be written
     */
    public static Path run(String... args) {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new IllegalArgumentException("usage: GenerateWorldData OUT_DIR [--seed N] [--train N] [--val N] "
                    + "[--test N] [--size PX] [--shapes N]");
        }
        Map<String, Long> opt = new HashMap<>(Map.of("--seed", 42L, "--train", 2000L, "--val", 200L, "--test", 500L,
                "--size", 48L, "--shapes", (long) WorldGenerator.DEFAULT_MAX_SHAPES));
        for (int i = 1; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value at '" + args[i] + "'; options: "
                        + OPTIONS);
            }
            try {
                opt.put(args[i], Long.parseLong(args[i + 1]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(args[i] + " needs an integer, got '" + args[i + 1] + "'", e);
            }
        }
        Path out = Path.of(args[0]);
        DatasetWriter.writeSplit(out, Math.toIntExact(opt.get("--size")), Math.toIntExact(opt.get("--shapes")),
                opt.get("--seed"), Math.toIntExact(opt.get("--train")), Math.toIntExact(opt.get("--val")),
                Math.toIntExact(opt.get("--test")));
        try {
            Files.createDirectories(out.resolve("tokenizer"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out.resolve("tokenizer"), e);
        }
        WorldTokenizer.write(out.resolve("tokenizer"));
        return out;
    }
}
