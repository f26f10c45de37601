package io.unimllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.AskRequest;
import io.unimllm.Response;
import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.geometry.CocoRle;
import io.unimllm.geometry.Mask;
import io.unimllm.router.spi.ScoredMask;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chat completion API through the JDK's HttpClient: answers match the runtime's own, every limit is answered
 * with an OpenAI error object and its status, a disconnected stream is cancelled, and a burst past the queue gets
 * typed 429s without losing a request.
 */
@ExtendWith(SharedServer.Resolver.class)
class ChatApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SharedServer shared;
    private static HttpClient http;
    private static BufferedImage twoCircles;

    @BeforeAll
    static void setUp(SharedServer s) {
        shared = s;
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .build();
        twoCircles = SharedServer.image("two-circles.png");
    }

    private static ObjectNode request(String text, BufferedImage image) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", SharedServer.MODEL);
        ObjectNode msg = root.putArray("messages").addObject();
        msg.put("role", "user");
        ArrayNode content = msg.putArray("content");
        content.addObject().put("type", "text").put("text", text);
        if (image != null) {
            content.addObject().put("type", "image_url").putObject("image_url")
                    .put("url", SharedServer.dataUrl(image));
        }
        return root;
    }

    private static HttpRequest.Builder post(String body) {
        return HttpRequest.newBuilder(URI.create(shared.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(String body) throws Exception {
        return http.send(post(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(JsonNode body) throws Exception {
        return send(JSON.writeValueAsString(body));
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** Asserts an OpenAI error object and returns it. */
    private static JsonNode error(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        JsonNode e = json(r).get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("code").asText()).isEqualTo(code);
        assertThat(e.get("type").asText()).isNotBlank();
        assertThat(e.get("message").asText()).isNotBlank();
        assertThat(e.has("param")).isTrue();
        return e;
    }

    private static Response direct(String text, BufferedImage image, GenerationConfig g) throws Exception {
        return shared.mllm.submit(new AskRequest(image, text, g, null)).get(60, TimeUnit.SECONDS);
    }

    @Test
    void anAnswerCarriesTheRuntimesTextTasksMasksAndUsage() throws Exception {
        Response expected = direct("segment the red circle", twoCircles, null);
        HttpResponse<String> r = send(request("segment the red circle", twoCircles));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("id").asText()).startsWith("chatcmpl-");
        assertThat(body.get("model").asText()).isEqualTo(SharedServer.MODEL);
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        JsonNode message = choice.get("message");
        assertThat(message.get("role").asText()).isEqualTo("assistant");
        assertThat(message.get("content").asText()).isEqualTo(expected.rawAnswer());
        JsonNode ext = message.get("unimllm");
        assertThat(ext.get("text").asText()).isEqualTo(expected.text());
        assertThat(ext.get("tasks")).hasSize(expected.tasks().size());
        JsonNode task = ext.get("tasks").get(0);
        assertThat(task.get("type").asText()).isEqualTo("segment");
        assertThat(task.get("arguments").asText()).isEqualTo("red circle");
        assertThat(task.get("status").asText()).isEqualTo("ok");
        assertThat(task.get("expert").asText()).isEqualTo(expected.tasks().get(0).expert().orElseThrow());
        JsonNode box = task.get("groundings").get(0);
        assertThat(box.get("kind").asText()).isEqualTo("box");
        assertThat(box.get("x2").asDouble()).isGreaterThan(box.get("x1").asDouble());
        ScoredMask want = expected.tasks().get(0).result().orElseThrow().masks().get(0);
        JsonNode mask = task.get("masks").get(0);
        assertThat(mask.get("size")).containsExactly(JSON.getNodeFactory().numberNode(twoCircles.getHeight()),
                JSON.getNodeFactory().numberNode(twoCircles.getWidth()));
        Mask got = new CocoRle(mask.get("size").get(0).asInt(), mask.get("size").get(1).asInt(),
                mask.get("counts").asText()).toMask();
        assertThat(got).isEqualTo(want.mask());
        assertThat(mask.get("area").asLong()).isEqualTo(want.mask().area()).isPositive();
        JsonNode usage = body.get("usage");
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(expected.tokens().length);
        assertThat(usage.get("prompt_tokens").asInt()).isGreaterThan(shared.mllm.model().config().imageSeqLength());
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
    }

    @Test
    void anEditAnswerCarriesTheEditedImageAsBase64Png() throws Exception {
        BufferedImage squares = SharedServer.image("two-squares.png");
        HttpResponse<String> r = send(request("make the green square yellow", squares));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode task = json(r).get("choices").get(0).get("message").get("unimllm").get("tasks").get(0);
        assertThat(task.get("type").asText()).isEqualTo("edit");
        byte[] png = Base64.getDecoder().decode(task.get("image").asText());
        BufferedImage edited = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(edited.getWidth()).isEqualTo(squares.getWidth());
        assertThat(edited.getHeight()).isEqualTo(squares.getHeight());
    }

    @Test
    void aStreamSpellsTheSameAnswerAndEndsWithTheResultsUsageAndDone() throws Exception {
        Response expected = direct("segment the red circle", twoCircles, null);
        ObjectNode req = request("segment the red circle", twoCircles);
        req.put("stream", true);
        req.putObject("stream_options").put("include_usage", true);
        HttpResponse<String> r = send(req);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        List<String> data = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6));
            }
        }
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        List<String> events = new ArrayList<>();
        String finish = null;
        JsonNode usage = null;
        JsonNode results = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = JSON.readTree(d);
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode delta = chunk.get("choices").get(0).get("delta");
            text.append(delta.path("content").asText(""));
            if (delta.has("unimllm")) {
                events.add(delta.get("unimllm").get("event").asText());
                results = delta.get("unimllm");
            }
            if (!chunk.get("choices").get(0).get("finish_reason").isNull()) {
                finish = chunk.get("choices").get(0).get("finish_reason").asText();
            }
        }
        assertThat(JSON.readTree(data.get(0)).get("choices").get(0).get("delta").get("role").asText())
                .isEqualTo("assistant");
        assertThat(text.toString()).isEqualTo(expected.rawAnswer());
        assertThat(events).containsExactly("task_parsed", "task_finished", "done");
        assertThat(results.get("tasks").get(0).get("masks")).hasSize(1);
        assertThat(finish).isEqualTo("stop");
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(expected.tokens().length);
    }

    @Test
    void aTextOnlyQuestionIsAnswered() throws Exception {
        Response expected = direct("how many shapes are there ?", null, null);
        ObjectNode req = JSON.createObjectNode();
        req.putArray("messages").addObject().put("role", "user").put("content", "how many shapes are there ?");
        HttpResponse<String> r = send(req);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("choices").get(0).get("message").get("content").asText())
                .isEqualTo(expected.rawAnswer());
    }

    @Test
    void samplingSettingsReachTheRuntime() throws Exception {
        GenerationConfig g = GenerationConfig.builder().temperature(1.5).topP(0.9).seed(11).maxNewTokens(20)
                .build();
        Response expected = direct("segment the red circle", twoCircles, g);
        ObjectNode req = request("segment the red circle", twoCircles);
        req.put("temperature", 1.5).put("top_p", 0.9).put("seed", 11).put("max_tokens", 20);
        HttpResponse<String> r = send(req);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("choices").get(0).get("message").get("content").asText())
                .isEqualTo(expected.rawAnswer());
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(expected.tokens().length)
                .isLessThanOrEqualTo(20);
    }

    @Test
    void aSingleTokenStopSequenceEndsTheAnswerAndALongerOneIsRefused() throws Exception {
        int end = shared.mllm.tokenizer().find("</task>").orElseThrow();
        Set<Integer> stops = new HashSet<>(shared.mllm.generation().stopTokens());
        stops.add(end);
        Response expected = direct("segment the red circle", twoCircles,
                GenerationConfig.builder().stopTokens(stops).build());
        ObjectNode req = request("segment the red circle", twoCircles);
        req.putArray("stop").add("</task>");
        HttpResponse<String> r = send(req);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = json(r).get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.get("message").get("content").asText()).isEqualTo(expected.rawAnswer())
                .contains("red circle").doesNotContain("</task>").doesNotContain("<box>");

        ObjectNode longer = request("segment the red circle", twoCircles).put("stop", "red circle");
        assertThat(error(send(longer), 400, "unsupported_stop").get("param").asText()).isEqualTo("stop");
    }

    @Test
    void malformedJsonIsA400NamingWhere() throws Exception {
        JsonNode e = error(send("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"},]}"), 400, "invalid_json");
        assertThat(e.get("message").asText()).contains("line 1");
        error(send("[1, 2]"), 400, "invalid_json");
        error(send(""), 400, "invalid_json");
    }

    @Test
    void aWrongParameterIsA400NamingIt() throws Exception {
        ObjectNode req = request("segment the red circle", null);
        req.put("temperature", "hot");
        assertThat(error(send(req), 400, "invalid_type").get("param").asText()).isEqualTo("temperature");
        ObjectNode noMessages = JSON.createObjectNode().put("model", SharedServer.MODEL);
        assertThat(error(send(noMessages), 400, "missing_required_parameter").get("param").asText())
                .isEqualTo("messages");
        ObjectNode assistantLast = request("hi", null);
        ((ArrayNode) assistantLast.get("messages")).addObject().put("role", "assistant").put("content", "hello");
        assertThat(error(send(assistantLast), 400, "invalid_value").get("param").asText())
                .isEqualTo("messages[1].role");
        ObjectNode otherModel = request("hi", null).put("model", "gpt-4o");
        assertThat(error(send(otherModel), 404, "model_not_found").get("message").asText()).contains("gpt-4o");
    }

    @Test
    void aMissingOrUndecodableImageIsA400NamingThePart() throws Exception {
        ObjectNode noUrl = request("segment the red circle", null);
        ((ArrayNode) noUrl.get("messages").get(0).get("content")).addObject().put("type", "image_url")
                .putObject("image_url");
        JsonNode e = error(send(noUrl), 400, "missing_required_parameter");
        assertThat(e.get("param").asText()).isEqualTo("messages[0].content[1].image_url.url");

        ObjectNode remote = request("segment the red circle", null);
        ((ArrayNode) remote.get("messages").get(0).get("content")).addObject().put("type", "image_url")
                .putObject("image_url").put("url", "https://example.com/cat.png");
        assertThat(error(send(remote), 400, "unsupported_image_url").get("message").asText())
                .contains("data URL");

        ObjectNode garbage = request("segment the red circle", null);
        ((ArrayNode) garbage.get("messages").get(0).get("content")).addObject().put("type", "image_url")
                .putObject("image_url").put("url", "data:image/png;base64,"
                        + Base64.getEncoder().encodeToString("not a png".getBytes(StandardCharsets.UTF_8)));
        assertThat(error(send(garbage), 400, "invalid_image").get("param").asText())
                .isEqualTo("messages[0].content[1].image_url.url");
    }

    @Test
    void anImageAboveThePixelLimitIsA413BeforeItIsDecoded() throws Exception {
        BufferedImage big = new BufferedImage(600, 600, BufferedImage.TYPE_INT_RGB);
        JsonNode e = error(send(request("segment the red circle", big)), 413, "image_too_large");
        assertThat(e.get("message").asText()).contains("600x600").contains(String.valueOf(SharedServer.MAX_PIXELS));
    }

    @Test
    void aBodyAboveTheSizeLimitIsA413() throws Exception {
        ObjectNode req = request("x".repeat((int) SharedServer.MAX_BODY + 10), null);
        JsonNode e = error(send(req), 413, "request_too_large");
        assertThat(e.get("message").asText()).contains(String.valueOf(SharedServer.MAX_BODY));
    }

    @Test
    void askingForMoreTokensThanTheLimitIsA400() throws Exception {
        ObjectNode req = request("segment the red circle", twoCircles).put("max_tokens", SharedServer.MAX_TOKENS + 1);
        JsonNode e = error(send(req), 400, "invalid_value");
        assertThat(e.get("param").asText()).isEqualTo("max_tokens");
        assertThat(e.get("message").asText()).contains(String.valueOf(SharedServer.MAX_TOKENS));
        ObjectNode completion = request("hi", null).put("max_completion_tokens", 0);
        assertThat(error(send(completion), 400, "invalid_value").get("param").asText())
                .isEqualTo("max_completion_tokens");
    }

    @Test
    void aPromptAndMaxTokensBeyondTheModelsContextIsA400() throws Exception {
        int context = shared.mllm.model().config().text().maxPositionEmbeddings();
        try (UnimllmServer roomy = UnimllmServer.start(shared.mllm, ServerConfig.builder().port(0)
                .modelId(SharedServer.MODEL).maxCompletionTokens(4 * context).build())) {
            ObjectNode req = request("segment the red circle", twoCircles).put("max_tokens", context);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(roomy.baseUri().resolve("/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(req))).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode e = error(r, 400, "context_length_exceeded");
            assertThat(e.get("param").asText()).isEqualTo("max_tokens");
            assertThat(e.get("message").asText()).contains("context is " + context);
        }
    }

    @Test
    void aRequestPastTheTimeoutIsA504AndIsCancelled() throws Exception {
        try (UnimllmServer quick = UnimllmServer.start(shared.mllm, ServerConfig.builder().port(0)
                .modelId(SharedServer.MODEL).requestTimeout(Duration.ofMillis(1)).build())) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(quick.baseUri().resolve("/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                            request("segment the red circle", twoCircles)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            error(r, 504, "request_timeout");
            assertThat(quick.stats().timedOut()).isEqualTo(1);
        }
        assertThat(send(request("segment the red circle", twoCircles)).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatDisconnectsFromAStreamCancelsItsRequest() throws Exception {
        ServerStats before = shared.server.stats();
        // past the end-of-answer token (vLLM's ignore_eos): the whole max_tokens, far more than the client reads
        ObjectNode req = request("segment the red circle", twoCircles);
        req.put("stream", true).put("ignore_eos", true).put("max_tokens", SharedServer.MAX_TOKENS);
        HttpResponse<InputStream> r = http.send(post(JSON.writeValueAsString(req)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        int contentChunks = 0;
        try (InputStream in = r.body();
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while (contentChunks < 3 && (line = reader.readLine()) != null) {
                if (line.startsWith("data: ") && line.contains("\"content\"")) {
                    contentChunks++;
                }
            }
        } // closing the body closes the connection mid-stream
        assertThat(contentChunks).isEqualTo(3);
        ServerStats after = awaitIdle(before.received() + 1);
        assertThat(after.disconnected() - before.disconnected()).isEqualTo(1);
        assertThat(after.completed() - before.completed()).isZero();
        // the runtime goes on serving
        assertThat(send(request("segment the red circle", twoCircles)).statusCode()).isEqualTo(200);
    }

    /** Waits until the server has ended every request it received (bounded, so a hang fails the test). */
    private static ServerStats awaitIdle(long received) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        ServerStats s = shared.server.stats();
        while ((s.received() < received || s.inFlight() > 0) && System.nanoTime() < end) {
            Thread.sleep(20);
            s = shared.server.stats();
        }
        assertThat(s.inFlight()).as("requests still in flight: %s", s).isZero();
        return s;
    }

    @Test
    void aBurstPastTheQueueGetsTyped429sAndLosesNoRequest() throws Exception {
        Response expected = direct("segment the red circle", twoCircles, null);
        String body = JSON.writeValueAsString(request("segment the red circle", twoCircles));
        int n = 8 * (SharedServer.MAX_BATCH + SharedServer.MAX_QUEUED);
        ServerStats before = shared.server.stats();
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            burst.add(http.sendAsync(post(body).build(), HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int busy = 0;
        List<String> differing = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : burst) {
            HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
            if (r.statusCode() == 200) {
                ok++;
                String content = json(r).get("choices").get(0).get("message").get("content").asText();
                if (!content.equals(expected.rawAnswer())) {
                    differing.add(content);
                }
            } else {
                busy++;
                JsonNode e = error(r, 429, "queue_full");
                assertThat(e.get("type").asText()).isEqualTo("rate_limit_error");
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
            }
        }
        assertThat(ok + busy).isEqualTo(n);
        assertThat(ok).isGreaterThanOrEqualTo(SharedServer.MAX_BATCH);
        assertThat(busy).as("a burst of %d with room for %d", n, SharedServer.MAX_BATCH + SharedServer.MAX_QUEUED)
                .isPositive();
        ServerStats after = awaitIdle(before.received() + n);
        assertThat(after.completed() - before.completed()).isEqualTo(ok);
        assertThat(after.rejected() - before.rejected()).isEqualTo(busy);
        assertThat(after.failed()).isEqualTo(before.failed());
        assertThat(send(request("segment the red circle", twoCircles)).statusCode()).isEqualTo(200);
        assertThat(differing).as("answers of the burst that differ from the serial answer '%s'", expected.rawAnswer())
                .isEmpty();
    }

    @Test
    void modelsAndHealthAnswer() throws Exception {
        HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(shared.baseUrl() + "/v1/models"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(json(models).get("data").get(0).get("id").asText()).isEqualTo(SharedServer.MODEL);
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(shared.baseUrl() + "/health"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asText()).isEqualTo("ok");
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(shared.baseUrl() + "/v2/nothing"))
                .build(), HttpResponse.BodyHandlers.ofString());
        error(missing, 404, "not_found");
    }
}
