package io.unimllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import io.unimllm.AskRequest;
import io.unimllm.Response;
import io.unimllm.geometry.CocoRle;
import io.unimllm.geometry.Mask;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j's OpenAI client, which no one here wrote, against the server: it reads a plain answer, an image
 * question's grounded answer and a streamed answer as it reads OpenAI's.
 */
@ExtendWith(SharedServer.Resolver.class)
class LangChain4jClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SharedServer shared;
    private static OpenAiChatModel model;
    private static OpenAiStreamingChatModel streaming;
    private static BufferedImage twoCircles;

    @BeforeAll
    static void setUp(SharedServer s) {
        shared = s;
        String baseUrl = s.baseUrl() + "/v1";
        model = OpenAiChatModel.builder().baseUrl(baseUrl).apiKey("not-needed").modelName(SharedServer.MODEL)
                .temperature(0.0).timeout(Duration.ofSeconds(60)).build();
        streaming = OpenAiStreamingChatModel.builder().baseUrl(baseUrl).apiKey("not-needed")
                .modelName(SharedServer.MODEL).temperature(0.0).timeout(Duration.ofSeconds(60)).build();
        twoCircles = SharedServer.image("two-circles.png");
    }

    private static Response direct(BufferedImage image, String text) throws Exception {
        return shared.mllm.submit(new AskRequest(image, text, null, null)).get(60, TimeUnit.SECONDS);
    }

    private static UserMessage question(String text, BufferedImage image) {
        return UserMessage.from(TextContent.from(text),
                ImageContent.from(SharedServer.base64Png(image), "image/png"));
    }

    @Test
    void aPlainQuestionGetsTheRuntimesAnswer() throws Exception {
        BufferedImage shapes = SharedServer.image("three-shapes.png");
        Response expected = direct(shapes, "how many shapes are there ?");
        ChatResponse r = model.chat(question("how many shapes are there ?", shapes));
        assertThat(r.aiMessage().text()).isEqualTo(expected.rawAnswer()).isNotBlank();
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(expected.tokens().length);
        assertThat(r.tokenUsage().inputTokenCount()).isPositive();
        assertThat(r.metadata().modelName()).isEqualTo(SharedServer.MODEL);
    }

    @Test
    void anImageQuestionGetsAGroundedAnswerWithItsMask() throws Exception {
        Response expected = direct(twoCircles, "segment the red circle");
        ChatResponse r = model.chat(question("segment the red circle", twoCircles));
        assertThat(r.aiMessage().text()).isEqualTo(expected.rawAnswer()).contains("<task_seg>")
                .contains("red circle");
        // the grounded results travel in the message's extension field, which the raw answer keeps
        String raw = ((OpenAiChatResponseMetadata) r.metadata()).rawHttpResponse().body();
        JsonNode task = JSON.readTree(raw).get("choices").get(0).get("message").get("unimllm").get("tasks").get(0);
        assertThat(task.get("type").asText()).isEqualTo("segment");
        assertThat(task.get("status").asText()).isEqualTo("ok");
        JsonNode m = task.get("masks").get(0);
        Mask mask = new CocoRle(m.get("size").get(0).asInt(), m.get("size").get(1).asInt(),
                m.get("counts").asText()).toMask();
        assertThat(mask).isEqualTo(expected.tasks().get(0).result().orElseThrow().masks().get(0).mask());
    }

    @Test
    void aStreamedAnswerArrivesInPiecesThatSpellTheWholeAnswer() throws Exception {
        Response expected = direct(twoCircles, "segment the red circle");
        List<String> pieces = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(List.of(question("segment the red circle", twoCircles)), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                pieces.add(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse complete) {
                done.complete(complete);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        assertThat(pieces).hasSizeGreaterThan(1);
        assertThat(String.join("", pieces)).isEqualTo(expected.rawAnswer());
        assertThat(r.aiMessage().text()).isEqualTo(expected.rawAnswer());
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    }
}
