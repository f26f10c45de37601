package io.unimllm.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.Response;
import io.unimllm.core.generate.FinishReason;
import io.unimllm.experts.region.GroundingDetections;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.protocol.TaskCall;
import io.unimllm.protocol.profile.ModelProfiles;
import io.unimllm.router.TaskResult;
import io.unimllm.router.TaskRouter;
import io.unimllm.router.TaskStatus;
import io.unimllm.router.spi.Detection;
import io.unimllm.router.spi.ExpertResult;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Answers that Qwen2.5-VL and InternVL printed, replayed by a stub endpoint in the OpenAI chat schema over real HTTP
 * (LangChain4j's client on one side, the JDK's HTTP server on the other): their groundings come out in pixels of the
 * original image and reach the detection expert. The answers are those of the protocol module's
 * {@code ModelAnswersTest}, with its sources.
 */
class RecordedAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static StubEndpoint stub;

    @BeforeAll
    static void start() {
        stub = new StubEndpoint();
    }

    @AfterAll
    static void stop() {
        stub.close();
    }

    private static double[] corners(Detection d) {
        Box b = d.box();
        return new double[] {b.x1(), b.y1(), b.x2(), b.y2()};
    }

    @Test
    void qwen25VlCountsPixelsOfItsResizedInputAndTheDetectorGetsOriginalPixels() throws Exception {
        // QwenLM/Qwen3-VL issue 1035: a 368x434 image, which smart_resize makes 364x448; the model answered
        // [19, 300, 154, 476] (476 lies past the resized height, as the maintainers explained there)
        String answer = "```json\n[\n\t{\"bbox_2d\": [19, 300, 154, 476], \"label\": \"the metal head of the trowel\"}"
                + "\n]\n```";
        stub.script(StubEndpoint.Reply.json(200, StubEndpoint.completion("Qwen/Qwen2.5-VL-7B-Instruct", answer,
                "stop")));
        BufferedImage image = new BufferedImage(368, 434, BufferedImage.TYPE_INT_RGB);
        String instruction = "Locate the metal head of the trowel, output its bbox coordinates using JSON format.";
        try (RemoteMllm qwen = RemoteMllm.builder(stub.baseUrl(), "Qwen/Qwen2.5-VL-7B-Instruct",
                ModelProfiles.byName("qwen2.5-vl")).discoverExperts(false).expert(new GroundingDetections()).build()) {
            Response r = qwen.ask(image, instruction);

            assertThat(r.rawAnswer()).isEqualTo(answer);
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP_TOKEN);
            assertThat(r.tokens()).isEmpty();
            assertThat(r.warnings()).extracting(ParseWarning::kind, ParseWarning::message).containsExactly(tuple(
                    ParseWarning.Kind.OUT_OF_RANGE,
                    "Qwen2.5-VL \"bbox_2d\" coordinate 476 outside 0..448; clamped to 448"));
            TaskResult t = r.tasks().get(0);
            assertThat(r.tasks()).hasSize(1);
            assertThat(t.task().taskType()).as("no task token: the default task type").isEqualTo("detect");
            assertThat(t.task().arguments()).isEqualTo("the metal head of the trowel");
            assertThat(t.status()).isEqualTo(TaskStatus.OK);
            assertThat(t.expert()).contains(GroundingDetections.NAME);
            Detection d = t.result().orElseThrow().detections().get(0);
            // q * original / resized on each axis: 19 * 368 / 364, 300 * 434 / 448, 154 * 368 / 364, 448 * 434 / 448
            assertThat(corners(d)).containsExactly(new double[] {19.0 * 368 / 364, 290.625, 154.0 * 368 / 364, 434},
                    within(1e-9));
            assertThat(d.label()).isEqualTo("the metal head of the trowel");
            assertThat(r.parsed().tasks()).as("parsed() is what the model wrote").isEmpty();
            assertThat(r.timings().stages()).containsKeys("preprocess", "remote", "parse", "route",
                    "expert:" + GroundingDetections.NAME);
        }
        // what went over the wire: the original image as a PNG data URL, then the instruction; greedy decoding
        assertThat(stub.requests()).hasSize(1);
        StubEndpoint.Request sent = stub.requests().get(0);
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.authorization()).as("no API key given, none sent").isNull();
        JsonNode body = JSON.readTree(sent.body());
        assertThat(body.get("model").asText()).isEqualTo("Qwen/Qwen2.5-VL-7B-Instruct");
        assertThat(body.get("temperature").asDouble()).isZero();
        JsonNode content = body.get("messages").get(0).get("content");
        assertThat(content.get(0).get("type").asText()).isEqualTo("image_url");
        String url = content.get(0).get("image_url").get("url").asText();
        assertThat(url).startsWith("data:image/png;base64,");
        BufferedImage received = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
                url.substring("data:image/png;base64,".length()))));
        assertThat(received.getWidth()).isEqualTo(368);
        assertThat(received.getHeight()).isEqualTo(434);
        assertThat(content.get(1).get("text").asText()).isEqualTo(instruction);
    }

    @Test
    void internVlGroundingsGoThroughTheCallersRouterWhichStaysOpen() {
        // OpenGVLab/InternVL issue 227, the maintainers' format: <ref>XXX</ref><box>[[x1, y1, x2, y2]]</box> in
        // thousandths of the original image
        String answer = "<ref>the bird</ref><box>[[253, 231, 733, 787]]</box>";
        stub.script(StubEndpoint.Reply.json(200, StubEndpoint.completion("OpenGVLab/InternVL2_5-8B", answer,
                "length")));
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        try (TaskRouter router = TaskRouter.builder().expert(new GroundingDetections()).build()) {
            try (RemoteMllm internVl = RemoteMllm.builder(stub.baseUrl(), "OpenGVLab/InternVL2_5-8B",
                    ModelProfiles.byName("internvl")).router(router).build()) {
                assertThatThrownBy(() -> RemoteMllm.builder(stub.baseUrl(), "m", ModelProfiles.byName("internvl"))
                        .router(router).expert(new GroundingDetections()).build())
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("a router and also 1 expert");

                Response r = internVl.ask(image, "Please provide the bounding box coordinate of the region this "
                        + "sentence describes: <ref>the bird</ref>");

                assertThat(r.finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
                assertThat(r.warnings()).isEmpty();
                Detection d = r.tasks().get(0).result().orElseThrow().detections().get(0);
                assertThat(corners(d)).containsExactly(new double[] {161.92, 110.88, 469.12, 377.76}, within(1e-9));
                assertThat(d.label()).isEqualTo("the bird");
            }
            // the caller's router outlives the remote model that used it
            List<TaskResult> again = router.route(image, "x", List.of(new TaskCall("detect", "bird",
                    List.of(Grounding.of(new Box(1, 2, 3, 4))), Optional.empty(), -1)));
            assertThat(again.get(0).result().map(ExpertResult::detections).orElseThrow()).hasSize(1);
        }
    }
}
