package io.unimllm.examples.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.core.generate.GenerationResult;
import io.unimllm.core.generate.GenerationTimings;
import io.unimllm.core.generate.Generator;
import io.unimllm.core.generate.Prompt;
import io.unimllm.core.model.DecoderPlan;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.LoadOptions;
import io.unimllm.examples.Main;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Decoder throughput benchmark: prefill and decode tokens/s at several batch sizes (median of runs after warm-up),
 * the memory-bandwidth limit of batch-1 decode measured with a large matrix-vector product through the same libtorch,
 * and the Java-side overhead per decoded token (wall time minus time inside libtorch operators, from its profiler).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prefill/decode tokens/s of a checkpoint, its bandwidth limit and the Java overhead.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "checkpoint directory (config.json + safetensors)")
    Path model;

    @Option(names = "--prompt-tokens", defaultValue = "128", description = "prompt length (default ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--new-tokens", defaultValue = "64", description = "tokens decoded per run (default ${DEFAULT-VALUE})")
    int newTokens;

    @Option(names = "--batch", split = ",", defaultValue = "1,8", description = "batch sizes (default ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--warmup", defaultValue = "2", description = "warm-up runs per batch size (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--runs", defaultValue = "5", description = "measured runs per batch size (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--threads", defaultValue = "0", description = "libtorch intra-op threads (0: library default)")
    int threads;

    @Option(names = "--probe-size", defaultValue = "8192", description = "side of the fp32 matrix of the bandwidth probe")
    int probeSize;

    @Option(names = "--json", description = "also write the results as JSON lines to this file")
    Path json;

    @Option(names = "--router", description = "also measure the task router's dispatch overhead")
    boolean router;

    @Option(names = "--products", description = "also measure the decoder's matrix products alone (GB/s per variant)")
    boolean products;

    @Option(names = "--trace-dir", description = "keep libtorch profiler traces (chrome://tracing) in this directory")
    Path traceDir;

    @Option(names = "--decode", split = ",", defaultValue = "scripted", description = "how decode steps run: "
            + "scripted (one TorchScript call per step), packed (scripted, and steps of several rows multiply with "
            + "weights packed by oneDNN: DecoderPlan.packedForBatches), ops (operation by operation from Java), "
            + "or several, e.g. scripted,packed,ops, alternated within each round (default ${DEFAULT-VALUE})")
    private List<String> decodeModes;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu")
    String device;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    private final List<String> jsonLines = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (threads > 0) {
            // read by DJL's PyTorch engine when it starts; calling into JNI before that fails to link
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        LoadOptions.Builder options = LoadOptions.builder();
        if (main.progress()) {
            options.progress((done, total) -> {
                if (done % 16 == 0 || done == total) {
                    System.err.printf("\rloading %d/%d tensors", done, total);
                }
            });
        }
        if (!List.of("auto", "cpu", "gpu").contains(device)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--device': '" + device
                    + "' (expected auto, cpu or gpu)");
        }
        if (!device.equals("auto")) {
            options.device(device.equals("gpu") ? Device.gpu() : Device.cpu());
        }
        try (LlavaModel m = LlavaModel.load(model, options.build())) {
            long weightBytes = 0;
            long perTokenBytes = 0;
            for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
                long bytes = e.getValue().size() * e.getValue().getDataType().getNumOfBytes();
                weightBytes += bytes;
                // decode reads every weight once per step, except an untied embedding table: one row per token
                boolean rowOnly = e.getKey().endsWith("embed_tokens.weight") && !tiedHead(m);
                perTokenBytes += rowOnly ? bytes / m.config().text().vocabSize() : bytes;
            }
            out.printf(Locale.ROOT, "model %s: %.1fM parameters, %.0f MB as %s on %s, threads %d%n", model,
                    m.parameterCount() / 1e6, weightBytes / 1e6, m.dtype(), m.device(), JniUtils.getNumThreads());
            out.printf(Locale.ROOT, "weights read per decoded token: %.0f MB%n", perTokenBytes / 1e6);
            // one view of the same weights per decode mode, each with its plan; its program and packed copies are made
            // here, not in the first timed step
            Map<String, LlavaModel> views = new java.util.LinkedHashMap<>();
            Map<String, Generator> gens = new java.util.LinkedHashMap<>();
            for (String mode : decodeModes) {
                LlavaModel v = m.withPlan(plan(mode));
                v.decoder().prepareScriptedDecode();
                views.put(mode, v);
                gens.put(mode, new Generator(v));
            }
            try {
                bench(m, gens, perTokenBytes, out);
            } finally {
                views.values().forEach(LlavaModel::close);
            }
        }
        if (router) {
            jsonLines.addAll(RouterBench.run(out));
        }
        if (json != null) {
            Files.write(json, jsonLines);
        }
        return 0;
    }

    private void bench(LlavaModel m, Map<String, Generator> gens, long perTokenBytes, PrintStream out)
            throws Exception {
        {
            List<String> rows;
            try (Probe probe = new Probe(m.device())) {
                rows = measure(m, gens, probe, perTokenBytes);
            }
            out.println(rows.remove(0));
            out.println();
            out.printf(Locale.ROOT, "| decode | batch | prefill tok/s | decode tok/s (all rows) | decode ms/step | "
                    + "steps/s as %% of the limit | decode vs batch %d |%n", batches.get(0));
            out.println("|---|---|---|---|---|---|---|");
            rows.forEach(out::println);
            for (String mode : decodeModes) {
                overhead(m, gens.get(mode), mode, out);
            }
            if (products) {
                long h = m.config().text().hiddenSize();
                long ff = m.config().text().intermediateSize();
                jsonLines.addAll(ProductBench.run(2 * ff, h, m.device(), out));
                jsonLines.addAll(ProductBench.run(h, ff, m.device(), out));
            }
        }
    }

    private static boolean tiedHead(LlavaModel m) {
        return m.parameters().keySet().stream().noneMatch(n -> n.endsWith("lm_head.weight"));
    }

    /**
     * An fp32 matrix-vector product through libtorch, timed to give the bandwidth it reaches. Measured again before
     * every decode run: the bandwidth of a shared machine drifts, and a ratio to a probe taken minutes earlier would
     * be a ratio to another machine.
     */
    private final class Probe implements AutoCloseable {
        private final NDManager mm;
        private final NDArray w;
        private final NDArray x;

        Probe(Device dev) {
            mm = NDManager.newBaseManager(dev);
            w = mm.randomNormal(new Shape(probeSize, probeSize));
            x = mm.randomNormal(new Shape(probeSize, 1));
            gbs(3); // warm-up
        }

        /** GB/s: the median of {@code reps} products. */
        double gbs(int reps) {
            double[] t = new double[reps];
            for (int i = 0; i < reps; i++) {
                try (NDManager step = mm.newSubManager()) {
                    long s = System.nanoTime();
                    NDArray y = w.matMul(x);
                    y.attach(step);
                    y.toFloatArray(); // synchronise (GPU) and materialise
                    t[i] = (System.nanoTime() - s) / 1e9;
                }
            }
            return (double) probeSize * probeSize * 4 / Stats.of(t).median() / 1e9;
        }

        @Override
        public void close() {
            mm.close();
        }
    }

    private List<Prompt> prompts(int batch, int vocab, long seed) {
        Random r = new Random(seed);
        List<Prompt> ps = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            int[] ids = new int[promptTokens];
            ids[0] = 1;
            for (int i = 1; i < ids.length; i++) {
                ids[i] = 3 + r.nextInt(vocab - 3);
            }
            ps.add(Prompt.text(ids));
        }
        return ps;
    }

    /**
     * The throughput table. Runs are interleaved: each round takes a bandwidth probe, then one generation per batch
     * size, so that the % of the limit (each batch-1 run against its own probe) and the batch-n / batch-1 ratio
     * (within a round) compare measurements taken seconds apart; medians over rounds.
     */
    private List<String> measure(LlavaModel m, Map<String, Generator> gens, Probe probe, long perTokenBytes) {
        GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(newTokens).ignoreEos(true).build();
        int nb = batches.size();
        int n = decodeModes.size() * nb;
        double[][] prefill = new double[n][runs];
        double[][] decode = new double[n][runs];
        double[][] stepMs = new double[n][runs];
        double[][] ofLimit = new double[n][runs];
        double[][] vsFirst = new double[n][runs];
        double[] gbs = new double[runs];
        for (int i = -warmup; i < runs; i++) {
            double bw = probe.gbs(5);
            for (int j = 0; j < n; j++) {
                int batch = batches.get(j % nb);
                Generator gen = gens.get(decodeModes.get(j / nb));
                List<Prompt> ps = prompts(batch, m.config().text().vocabSize(), 42 + batch);
                GenerationTimings t = gen.generate(ps, cfg, (row, tok) -> true).get(0).timings();
                if (i >= 0) {
                    prefill[j][i] = batch * (double) t.prefillTokens() / seconds(t.prefill());
                    decode[j][i] = batch * (double) t.decodeSteps() / seconds(t.decode());
                    stepMs[j][i] = seconds(t.decode()) * 1e3 / t.decodeSteps();
                    // a step reads the weights once whatever the batch: this is the fraction of the step-rate limit
                    ofLimit[j][i] = (perTokenBytes / (bw * 1e9)) / (stepMs[j][i] / 1e3);
                    vsFirst[j][i] = decode[j][i] / decode[j - j % nb][i];
                    gbs[i] = bw;
                }
            }
        }
        double probeGbs = Stats.of(gbs).median();
        double limit = probeGbs * 1e9 / perTokenBytes;
        List<String> rows = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            int batch = batches.get(j % nb);
            String mode = decodeModes.get(j / nb);
            double p = Stats.of(prefill[j]).median();
            double d = Stats.of(decode[j]).median();
            double s = Stats.of(stepMs[j]).median();
            double r = Stats.of(ofLimit[j]).median();
            double x = Stats.of(vsFirst[j]).median();
            jsonLines.add(String.format(Locale.ROOT, "{\"runtime\":\"unimllm\",\"decode\":\"%s\",\"batch\":%d,"
                    + "\"prefill_tok_s\":%.2f,\"decode_tok_s\":%.2f,\"decode_ms_per_step\":%.3f,\"probe_gb_s\":%.2f,"
                    + "\"bytes_per_token\":%d,\"step_limit_per_s\":%.2f,\"fraction_of_step_limit\":%.3f,"
                    + "\"decode_vs_batch_%d\":%.3f,\"prompt_tokens\":%d,\"new_tokens\":%d,\"runs\":%d}", mode, batch,
                    p, d, s, probeGbs, perTokenBytes, limit, r, batches.get(0), x, promptTokens, newTokens, runs));
            rows.add(String.format(Locale.ROOT, "| %s | %d | %.0f | %.1f | %.2f | %.0f%% | %.2fx |", mode, batch, p, d,
                    s, 100 * r, x));
        }
        rows.add(0, String.format(Locale.ROOT, "bandwidth probe (%dx%d fp32 matrix-vector product through libtorch, "
                + "before every round): median %.1f GB/s -> at most %.1f decode steps/s (tokens/s at batch 1)",
                probeSize, probeSize, probeGbs, limit));
        return rows;
    }

    private static DecoderPlan plan(String mode) {
        return switch (mode) {
            case "scripted" -> DecoderPlan.inference();
            case "packed" -> DecoderPlan.packedForBatches();
            case "ops" -> DecoderPlan.operationByOperation();
            default -> throw new IllegalArgumentException("--decode: expected scripted, packed or ops, got '" + mode
                    + "'");
        };
    }

    /**
     * Java-side cost per decoded token: the decode wall time per step minus the time spent inside top-level libtorch
     * operators per step, from libtorch's profiler (a prefill-only run is subtracted to isolate the decode steps).
     */
    private void overhead(LlavaModel m, Generator gen, String mode, PrintStream out) throws Exception {
        List<Prompt> ps = prompts(1, m.config().text().vocabSize(), 7);
        Path dir = traceDir != null ? Files.createDirectories(traceDir) : Files.createTempDirectory("unimllm-trace");
        double[] wall = new double[3];
        double[] ops = new double[3];
        int[] opCount = new int[3];
        for (int i = 0; i < 3; i++) {
            TraceSummary.OpTime prefillOnly = profiled(gen, ps, 1, dir.resolve("a" + i + ".json"), null);
            GenerationTimings[] t = new GenerationTimings[1];
            TraceSummary.OpTime full = profiled(gen, ps, newTokens, dir.resolve("b" + i + ".json"), t);
            int steps = t[0].decodeSteps();
            wall[i] = seconds(t[0].decode()) * 1e6 / steps;
            ops[i] = (full.micros() - prefillOnly.micros()) / steps;
            opCount[i] = (full.ops() - prefillOnly.ops()) / steps;
        }
        Stats w = Stats.of(wall);
        Stats o = Stats.of(ops);
        out.printf(Locale.ROOT, "%nJava-side overhead per decoded token (decode %s, batch 1, profiled): step %.0f us = "
                + "%.0f us in %d libtorch ops + %.0f us outside them (%.1f%%)%n", mode, w.median(), o.median(), opCount[0],
                w.median() - o.median(), 100 * (w.median() - o.median()) / w.median());
        jsonLines.add(String.format(Locale.ROOT, "{\"runtime\":\"unimllm\",\"overhead\":\"decode_step\",\"decode\":\"%s\","
                + "\"step_us\":%.1f,\"op_us\":%.1f,\"ops_per_step\":%d,\"java_us\":%.1f}", mode, w.median(), o.median(),
                opCount[0], w.median() - o.median()));
        if (traceDir == null) {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    private static TraceSummary.OpTime profiled(Generator gen, List<Prompt> ps, int n, Path trace,
            GenerationTimings[] timings) throws Exception {
        GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(n).ignoreEos(true).build();
        JniUtils.startProfile(false, false, false);
        List<GenerationResult> r = gen.generate(ps, cfg, (row, t) -> true);
        JniUtils.stopProfile(trace.toString());
        if (timings != null) {
            timings[0] = r.get(0).timings();
        }
        return TraceSummary.read(trace);
    }

    private static double seconds(java.time.Duration d) {
        return d.toNanos() / 1e9;
    }

}
