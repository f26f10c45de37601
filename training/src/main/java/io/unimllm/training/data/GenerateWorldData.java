package io.unimllm.training.data;

import io.unimllm.training.world.synth.WorldConfig;
import io.unimllm.training.world.synth.WorldSplit;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Command line: writes a world split and its tokenizer.
 *
 * <pre>GenerateWorldData OUT_DIR [--seed 42] [--train 2000] [--val 200] [--test 500] [--size 64]</pre>
 *
 * produces {@code OUT_DIR/train}, {@code OUT_DIR/validation}, {@code OUT_DIR/test} (each a {@code data.jsonl} with
 * its PNGs) and {@code OUT_DIR/tokenizer} ({@code tokenizer.json}, {@code tokenizer_config.json}).
 */
public final class GenerateWorldData {
    private static final Set<String> OPTIONS = Set.of("--seed", "--train", "--val", "--test", "--size");

    private GenerateWorldData() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) {
        run(args);
    }

    /** Parses {@code args}, writes everything and returns the output directory. */
    public static Path run(String... args) {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new IllegalArgumentException("usage: GenerateWorldData OUT_DIR [--seed N] [--train N] [--val N] "
                    + "[--test N] [--size PX]");
        }
        Map<String, Long> opt = new HashMap<>(Map.of("--seed", 42L, "--train", 2000L, "--val", 200L, "--test", 500L,
                "--size", 64L));
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
        WorldConfig config = WorldConfig.builder().imageSize(Math.toIntExact(opt.get("--size"))).build();
        WorldSplit split = WorldSplit.generate(config, opt.get("--seed"), Math.toIntExact(opt.get("--train")),
                Math.toIntExact(opt.get("--val")), Math.toIntExact(opt.get("--test")));
        DatasetWriter.writeSplit(out, split);
        WorldTokenizerBuilder.forWorld().write(out.resolve("tokenizer"));
        return out;
    }
}
