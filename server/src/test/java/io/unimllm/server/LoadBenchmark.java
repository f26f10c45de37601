package io.unimllm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.UnifiedMllm;
import io.unimllm.tokenizer.UnimllmTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * A bounded load generator on loopback (not a test): starts the server over a model, answers every prompt once
 * serially for reference, then sends a fixed number of requests at each level of concurrent clients and reports
 * requests/s, generated tokens/s, latency percentiles, and answers that differ from the serial ones or failed.
 *
 * <pre>
 * mvn -o -q -pl server test-compile exec:java -Dexec.skip=false -Dexec.args="--model models/shapes-tiny"
 * </pre>
 *
 * Options: {@code --model DIR}, {@code --clients 1,2,4,8,16}, {@code --requests N} (per level, default 200),
 * {@code --text} (text-only prompts, for a model without vision), {@code --max-tokens N} (per request; default the
 * runtime's), {@code --max-batch N} (default the most clients), {@code --time-limit S} (per level, default 300),
 * {@code --json FILE} (one JSON line per level), {@code --tokenizer DIR} (a tokenizer for a checkpoint that has
 * none, e.g. the 200M bench model), {@code --ignore-eos} (fixed-length answers of {@code --max-tokens}).
 */
public final class LoadBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> IMAGE_PROMPTS = List.of("segment the red circle", "find all circles",
            "how many shapes are there ?", "make the green square yellow", "remove the blue square",
            "what colour is the circle ?", "segment the blue square", "detect the green square");
    private static final List<String> TEXT_PROMPTS = List.of("Tell me a story about a lighthouse.",
            "Explain how a bicycle works.", "List five colours.", "What is the capital of France?",
            "Describe the sea at night.", "Write a haiku about rain.", "Why is the sky blue?",
            "Name three kinds of trees.");

    private LoadBenchmark() {
    }

    /** One prompt of the mix. */
    private record Prompt(String text, BufferedImage image, String body) {
    }

    /** One request's outcome. */
    private record Result(long nanos, int tokens, boolean same, int status) {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Path model = Path.of("models/shapes-tiny");
        int[] clients = {1, 2, 4, 8, 16};
        int requests = 200;
        boolean text = false;
        Integer maxTokens = null;
        Integer maxBatch = null;
        int timeLimit = 300;
        Path json = null;
        Path tokenizer = null;
        boolean ignoreEos = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = Path.of(args[++i]);
                case "--clients" -> clients = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--text" -> text = true;
                case "--max-tokens" -> maxTokens = Integer.parseInt(args[++i]);
                case "--max-batch" -> maxBatch = Integer.parseInt(args[++i]);
                case "--time-limit" -> timeLimit = Integer.parseInt(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--tokenizer" -> tokenizer = Path.of(args[++i]);
                case "--ignore-eos" -> ignoreEos = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int most = Arrays.stream(clients).max().orElse(1);
        int batch = maxBatch != null ? maxBatch : most;
        PrintStream out = System.out;
        UnifiedMllm.Builder builder = UnifiedMllm.builder(model).maxBatchSize(batch).maxQueued(4 * most);
        try (UnimllmTokenizer tok = tokenizer == null ? null : UnimllmTokenizer.load(tokenizer);
                UnifiedMllm mllm = (tok == null ? builder : builder.tokenizer(tok)).build();
                UnimllmServer server = UnimllmServer.start(mllm, ServerConfig.builder().port(0)
                        .modelId("bench").maxCompletionTokens(4096).build())) {
            List<Prompt> prompts = prompts(text, maxTokens, ignoreEos);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = server.baseUri().resolve("/v1/chat/completions");
            // serial reference answers (also the warm-up)
            List<String> reference = new ArrayList<>();
            for (Prompt p : prompts) {
                send(http, uri, p);
            }
            for (Prompt p : prompts) {
                HttpResponse<String> r = send(http, uri, p);
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("reference request failed: " + r.body());
                }
                reference.add(JSON.readTree(r.body()).get("choices").get(0).get("message").get("content").asText());
            }
            out.printf(Locale.ROOT, "model %s, %d %s prompts, max batch %d, %d requests per level%n", model,
                    prompts.size(), text ? "text" : "image", batch, requests);
            out.println("| clients | requests | requests/s | generated tok/s | tok/s vs 1 client | p50 ms | p99 ms "
                    + "| p99 vs 1 client | differ from serial | failed |");
            out.println("|---|---|---|---|---|---|---|---|---|---|");
            double baseTps = 0;
            double baseP99 = 0;
            for (int c : clients) {
                Level level = run(http, uri, prompts, reference, c, requests, Duration.ofSeconds(timeLimit));
                if (baseTps == 0) {
                    baseTps = level.tokensPerSecond();
                    baseP99 = level.p99();
                }
                out.printf(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.2fx | %.1f | %.1f | %.2fx | %d | %d |%n", c,
                        level.done, level.requestsPerSecond(), level.tokensPerSecond(),
                        level.tokensPerSecond() / baseTps, level.p50(), level.p99(), level.p99() / baseP99,
                        level.differ, level.failed);
                if (json != null) {
                    ObjectNode row = JSON.createObjectNode().put("clients", c).put("requests", level.done)
                            .put("requests_per_s", level.requestsPerSecond())
                            .put("tokens_per_s", level.tokensPerSecond()).put("p50_ms", level.p50())
                            .put("p99_ms", level.p99()).put("differ", level.differ).put("failed", level.failed)
                            .put("model", model.toString()).put("text", text).put("max_batch", batch);
                    Files.writeString(json, JSON.writeValueAsString(row) + "\n", StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
            }
            out.println("server: " + server.stats());
        }
    }

    /** The measurements of one level. */
    private static final class Level {
        int done;
        int differ;
        int failed;
        long tokens;
        long wallNanos;
        long[] latencies;

        double requestsPerSecond() {
            return done / (wallNanos / 1e9);
        }

        double tokensPerSecond() {
            return tokens / (wallNanos / 1e9);
        }

        double p50() {
            return percentile(0.50);
        }

        double p99() {
            return percentile(0.99);
        }

        private double percentile(double q) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            long[] s = latencies.clone();
            Arrays.sort(s);
            int i = (int) Math.ceil(q * s.length) - 1;
            return s[Math.max(0, Math.min(s.length - 1, i))] / 1e6;
        }
    }

    private static Level run(HttpClient http, URI uri, List<Prompt> prompts, List<String> reference, int clients,
            int requests, Duration limit) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong tokens = new AtomicLong();
        List<Result> results = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + limit.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < clients; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests && System.nanoTime() < end) {
                        Prompt p = prompts.get(i % prompts.size());
                        long s = System.nanoTime();
                        HttpResponse<String> r = send(http, uri, p);
                        long nanos = System.nanoTime() - s;
                        if (r.statusCode() != 200) {
                            results.add(new Result(nanos, 0, false, r.statusCode()));
                            continue;
                        }
                        JsonNode body = JSON.readTree(r.body());
                        int n = body.get("usage").get("completion_tokens").asInt();
                        tokens.addAndGet(n);
                        String content = body.get("choices").get(0).get("message").get("content").asText();
                        results.add(new Result(nanos, n, content.equals(reference.get(i % prompts.size())), 200));
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Level level = new Level();
        level.wallNanos = System.nanoTime() - t0;
        level.tokens = tokens.get();
        List<Long> ok = new ArrayList<>();
        for (Result r : results) {
            level.done++;
            if (r.status != 200) {
                level.failed++;
            } else {
                ok.add(r.nanos);
                if (!r.same) {
                    level.differ++;
                }
            }
        }
        level.latencies = ok.stream().mapToLong(Long::longValue).toArray();
        return level;
    }

    private static HttpResponse<String> send(HttpClient http, URI uri, Prompt p) throws IOException,
            InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(p.body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<Prompt> prompts(boolean text, Integer maxTokens, boolean ignoreEos) throws IOException {
        List<Prompt> prompts = new ArrayList<>();
        if (text) {
            for (String t : TEXT_PROMPTS) {
                prompts.add(prompt(t, null, maxTokens, ignoreEos));
            }
            return prompts;
        }
        // run from the repository root (mvn -pl server exec:java does), or say where it is
        Path images = Path.of(System.getProperty("unimllm.root", ".")).resolve("docs/images");
        List<BufferedImage> imgs = new ArrayList<>();
        for (String name : List.of("two-circles.png", "two-squares.png", "three-shapes.png")) {
            imgs.add(ImageIO.read(images.resolve(name).toFile()));
        }
        for (int i = 0; i < IMAGE_PROMPTS.size(); i++) {
            prompts.add(prompt(IMAGE_PROMPTS.get(i), imgs.get(i % imgs.size()), maxTokens, ignoreEos));
        }
        return prompts;
    }

    private static Prompt prompt(String text, BufferedImage image, Integer maxTokens, boolean ignoreEos)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode msg = root.putArray("messages").addObject();
        msg.put("role", "user");
        ArrayNode content = msg.putArray("content");
        content.addObject().put("type", "text").put("text", text);
        if (image != null) {
            content.addObject().put("type", "image_url").putObject("image_url").put("url", SharedServer.dataUrl(image));
        }
        if (maxTokens != null) {
            root.put("max_tokens", maxTokens);
        }
        if (ignoreEos) {
            root.put("ignore_eos", true);
        }
        return new Prompt(text, image, JSON.writeValueAsString(root));
    }
}
