package io.unimllm.bench.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.SafeTensorSupport;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import com.github.tjake.jlama.tensor.operations.TensorOperationsProvider;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Prefill and decode throughput of Jlama on a Llama-style safetensors checkpoint, printed as one JSON line per
 * configuration in the same shape as unimllm's own benchmark so that the numbers sit side by side.
 *
 * <p>Jlama's {@code Generator.generate} only takes text, stops at EOS and times in whole milliseconds, so the generation
 * loop here drives the model's public token-level API instead ({@code batchForward} for the prompt, {@code forward}
 * per decoded token, {@code sample} with temperature 0 = argmax). That is the same code path {@code generate} runs,
 * minus tokenizer decoding and the EOS check. Timing follows unimllm's generator: prefill = prompt forward + choice of
 * the first new token; decode = the remaining {@code newTokens - 1} steps.
 *
 * <p>Usage: {@code JlamaBench --model DIR [--tokenizer tokenizer.json] [--prompt-tokens 128] [--new-tokens 64]
 * [--warmup 2] [--runs 5] [--threads N] [--ops panama|native] [--prefill batched|sequential]}. {@code --ops} picks
 * Jlama's pure-Java Vector API kernels (default) or jlama-native's; {@code --prefill sequential} feeds the prompt one
 * position at a time through the decode path (a correctness cross-check, not a speed configuration).
 */
public final class JlamaBench {

    private Path model;
    private Path tokenizer;
    private int promptTokens = 128;
    private int newTokens = 64;
    private int warmup = 2;
    private int runs = 5;
    private int threads = Runtime.getRuntime().availableProcessors();
    private boolean sequentialPrefill;
    private String ops = "panama";

    private JlamaBench() {}

    /**
     * Entry point.
     *
     * @param args command line, see the class documentation
     * @throws Exception when the model cannot be loaded or a run fails
     */
    public static void main(String[] args) throws Exception {
        JlamaBench b = parse(args);
        b.run();
    }

    private static JlamaBench parse(String[] args) {
        JlamaBench b = new JlamaBench();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--model" -> b.model = Path.of(v);
                case "--tokenizer" -> b.tokenizer = Path.of(v);
                case "--prompt-tokens" -> b.promptTokens = positive(a, v);
                case "--new-tokens" -> b.newTokens = positive(a, v);
                case "--warmup" -> b.warmup = Integer.parseInt(v);
                case "--runs" -> b.runs = positive(a, v);
                case "--threads" -> b.threads = positive(a, v);
                case "--ops" -> b.ops = switch (v) {
                    case "panama", "native" -> v;
                    default -> throw new IllegalArgumentException("--ops must be panama or native, got " + v);
                };
                case "--prefill" -> b.sequentialPrefill = switch (v) {
                    case "batched" -> false;
                    case "sequential" -> true;
                    default -> throw new IllegalArgumentException("--prefill must be batched or sequential, got " + v);
                };
                default -> throw new IllegalArgumentException("unknown option " + a + " (expected --model, --tokenizer,"
                        + " --prompt-tokens, --new-tokens, --warmup, --runs, --threads, --ops, --prefill)");
            }
        }
        if (b.model == null) {
            throw new IllegalArgumentException("--model DIR is required (config.json + model.safetensors)");
        }
        return b;
    }

    private static int positive(String option, String value) {
        int n = Integer.parseInt(value);
        if (n <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
        return n;
    }

    private void run() throws IOException {
        File dir = modelDirWithTokenizer().toFile();
        // Read once by TensorOperationsProvider's static initialiser, so it must be set before Jlama loads anything.
        // jlama-native 0.8.4's multi-row F32 GEMM gives wrong prefill results on this checkpoint (>= 4 layers; the
        // greedy ids then differ from PyTorch and from Jlama's own token-by-token path), hence panama by default.
        System.setProperty("jlama.force_panama_tensor_operations", Boolean.toString(ops.equals("panama")));
        // F32 working memory and F32 "quantised" memory: no quantisation anywhere, same precision as the peers.
        AbstractModel m = ModelSupport.loadModel(AbstractModel.InferenceType.FULL_GENERATION, dir, null, DType.F32,
                DType.F32, Optional.empty(), Optional.of(threads), Optional.empty(), SafeTensorSupport::loadWeights);
        System.err.printf(Locale.ROOT, "jlama: tensor ops %s, %d threads, model dtype F32 working F32%n",
                TensorOperationsProvider.get().name(), threads);
        int vocab = m.getConfig().vocabularySize;
        if (promptTokens + newTokens > m.getConfig().contextLength) {
            throw new IllegalArgumentException("prompt + new tokens (" + (promptTokens + newTokens)
                    + ") exceed the model's context length " + m.getConfig().contextLength);
        }
        int[] prompt = prompt(vocab, 42 + 1);
        KvBufferCache kvCache = new KvBufferCache(m);
        double[] prefill = new double[runs];
        double[] decode = new double[runs];
        for (int r = -warmup; r < runs; r++) {
            Timing t = generate(m, kvCache, prompt);
            if (r >= 0) {
                prefill[r] = prompt.length / t.prefillSeconds;
                decode[r] = t.decodeSteps / t.decodeSeconds;
            }
            System.err.printf(Locale.ROOT, "jlama %s run: prefill %.3f s, decode %d steps in %.3f s%n",
                    r < 0 ? "warm-up" : "measured", t.prefillSeconds, t.decodeSteps, t.decodeSeconds);
            if (r == -warmup) {
                // Greedy ids, to check against the other runtimes on the same weights.
                System.err.println("jlama prompt ids (first 8): " + Arrays.toString(Arrays.copyOf(prompt, 8)));
                System.err.println("jlama generated ids: " + Arrays.toString(t.tokens));
            }
        }
        System.out.printf(Locale.ROOT, "{\"runtime\":\"jlama\",\"batch\":1,\"prefill_tok_s\":%.2f,\"decode_tok_s\":%.2f,"
                        + "\"prompt_tokens\":%d,\"new_tokens\":%d,\"runs\":%d,\"threads\":%d,\"ops\":\"%s\","
                        + "\"prefill\":\"%s\"}%n",
                median(prefill), median(decode), prompt.length, newTokens, runs, threads, ops,
                sequentialPrefill ? "sequential" : "batched");
        System.out.println("{\"runtime\":\"jlama\",\"batch\":8,\"unsupported\":\"Jlama 0.8.4 has no multi-sequence "
                + "batched forward: one KV buffer per session, batchForward batches only the positions of one "
                + "prompt\"}");
        System.out.flush();
        // Jlama's executor threads are not daemons.
        System.exit(0);
    }

    /** Timings of one generation. */
    private record Timing(double prefillSeconds, double decodeSeconds, int decodeSteps, int[] tokens) {}

    private Timing generate(AbstractModel m, KvBufferCache kvCache, int[] prompt) {
        try (KvBufferCache.KvBuffer kv = kvCache.getKvBuffer(UUID.randomUUID());
             AbstractTensor logits = m.makeDenseTensor(m.getConfig().vocabularySize)) {
            long t0 = System.nanoTime();
            int next;
            if (sequentialPrefill) {
                // One position at a time through the decode path (what Jlama's own debug mode does).
                AbstractTensor last = null;
                for (int i = 0; i < prompt.length; i++) {
                    if (last != null) {
                        last.close();
                    }
                    last = m.forward(prompt[i], i, kv, Optional.empty());
                }
                next = m.sample(last, 0f, 0f, logits);
                last.close();
            } else {
                AbstractTensor last = m.batchForward(prompt, 0, kv);
                next = m.sample(last.slice(last.shape().first() - 1), 0f, 0f, logits);
                last.close();
            }
            int[] tokens = new int[newTokens];
            tokens[0] = next;
            long t1 = System.nanoTime();
            int steps = 0;
            for (int pos = prompt.length; steps < newTokens - 1; pos++) {
                AbstractTensor out = m.forward(next, pos, kv, Optional.empty());
                next = m.sample(out, 0f, 0f, logits); // temperature 0: argmax, no EOS check
                out.close();
                kv.incrementContextPosition();
                steps++;
                tokens[steps] = next;
            }
            long t2 = System.nanoTime();
            return new Timing((t1 - t0) / 1e9, (t2 - t1) / 1e9, steps, tokens);
        }
    }

    /** Same ids as unimllm's BenchCommand for batch 1: BOS then uniform ids in [3, vocab), java.util.Random(seed). */
    private int[] prompt(int vocab, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[promptTokens];
        ids[0] = 1;
        for (int i = 1; i < ids.length; i++) {
            ids[i] = 3 + r.nextInt(vocab - 3);
        }
        return ids;
    }

    /**
     * Jlama refuses to load a model without tokenizer.json even when only token ids are used. When the model directory
     * has none, a scratch directory with links to the weights and a copy of {@code --tokenizer} stands in for it.
     */
    private Path modelDirWithTokenizer() throws IOException {
        Path dir = model.toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("config.json")) || !Files.isRegularFile(dir.resolve("model.safetensors"))) {
            throw new IllegalArgumentException("model directory " + dir + " needs config.json and model.safetensors");
        }
        if (Files.exists(dir.resolve("tokenizer.json"))) {
            return dir;
        }
        if (tokenizer == null || !Files.isRegularFile(tokenizer)) {
            throw new IllegalArgumentException(dir + " has no tokenizer.json: pass --tokenizer path/to/tokenizer.json"
                    + " (any tokenizer with the model's vocabulary; ids bypass it)");
        }
        Path tmp = Files.createTempDirectory("jlama-bench-");
        // deleteOnExit runs in reverse registration order: the files go first, then the (then empty) directory.
        tmp.toFile().deleteOnExit();
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
            tmp.resolve(f).toFile().deleteOnExit();
        }
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.createSymbolicLink(tmp.resolve(f), dir.resolve(f));
        }
        Files.copy(tokenizer, tmp.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        Path cfg = tokenizer.toAbsolutePath().getParent().resolve("tokenizer_config.json");
        if (Files.isRegularFile(cfg)) {
            Files.copy(cfg, tmp.resolve("tokenizer_config.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
