package io.unimllm.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.unimllm.Response;
import io.unimllm.experts.region.GroundingDetections;
import io.unimllm.protocol.profile.ModelProfiles;
import io.unimllm.remote.RemoteModelException.Kind;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the remote model does when the endpoint fails: a typed {@link RemoteModelException} for each way, bounded
 * retries for connection failures, 5xx and 429 only. Retries wait 1 ms here.
 */
class EndpointFailureTest {
    private static final BufferedImage IMAGE = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    private static final String ANSWER = "{\"bbox_2d\": [0, 0, 28, 28], \"label\": \"corner\"}";
    private static StubEndpoint stub;

    @BeforeAll
    static void start() {
        stub = new StubEndpoint();
    }

    @AfterAll
    static void stop() {
        stub.close();
    }

    private static RemoteMllm remote(String baseUrl) {
        return RemoteMllm.builder(baseUrl, "qwen", ModelProfiles.byName("qwen2.5-vl")).discoverExperts(false)
                .expert(new GroundingDetections()).retries(2, Duration.ofMillis(1)).timeout(Duration.ofSeconds(20))
                .build();
    }

    private static RemoteModelException failure(RemoteMllm remote) {
        try {
            remote.ask(IMAGE, "find the corner");
        } catch (RemoteModelException e) {
            return e;
        }
        throw new AssertionError("the ask succeeded; expected a RemoteModelException");
    }

    @Test
    void anEndpointThatIsDownIsAConnectionFailureAfterTheRetries() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } // closed: nothing listens there now
        try (RemoteMllm remote = remote("http://127.0.0.1:" + port + "/v1")) {
            RemoteModelException e = failure(remote);

            assertThat(e.kind()).isEqualTo(Kind.CONNECTION_FAILED);
            assertThat(e.attempts()).isEqualTo(3);
            assertThat(e.status()).isEmpty();
            assertThat(e.endpoint()).isEqualTo("http://127.0.0.1:" + port + "/v1/chat/completions");
            assertThat(e).hasMessageStartingWith("cannot reach the endpoint: ConnectException")
                    .hasMessageEndingWith("(http://127.0.0.1:" + port + "/v1/chat/completions, 3 attempts)");
        }
    }

    @Test
    void serverErrorsAndRateLimitsAreRetriedAClientErrorIsNot() {
        try (RemoteMllm remote = remote(stub.baseUrl())) {
            stub.script(StubEndpoint.Reply.json(503, "{\"error\": {\"message\": \"loading the model\"}}"),
                    StubEndpoint.Reply.json(429, "{\"error\": {\"message\": \"too many requests\"}}"),
                    StubEndpoint.Reply.json(200, StubEndpoint.completion("qwen", ANSWER, "stop")));
            Response r = remote.ask(IMAGE, "find the corner");
            assertThat(r.tasks()).hasSize(1);
            assertThat(stub.requests()).hasSize(3);

            stub.script(StubEndpoint.Reply.json(400, "{\"error\": {\"message\": \"max_tokens is too large\", "
                    + "\"type\": \"invalid_request_error\"}}"));
            RemoteModelException e = failure(remote);
            assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
            assertThat(e.status()).hasValue(400);
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e).hasMessageStartingWith("the endpoint answered HTTP 400: 'max_tokens is too large'");
            assertThat(stub.requests()).hasSize(1);

            stub.script(); // every request answered 500
            e = failure(remote);
            assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
            assertThat(e.status()).hasValue(500);
            assertThat(e.attempts()).isEqualTo(3);
            assertThat(stub.requests()).as("LangChain4j's own retries are off").hasSize(3);
        }
    }

    static Stream<Arguments> malformedAnswers() {
        return Stream.of(
                Arguments.of("text/html", "<html><body>502 Bad Gateway</body></html>",
                        "the answer is not JSON: '<html><body>502 Bad Gateway</body></html>'"),
                Arguments.of("application/json", "{\"object\": \"chat.completion\", \"choices\": []}",
                        "the answer has no choices"),
                Arguments.of("application/json", "{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": "
                        + "null, \"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\"}]}}]}",
                        "choices[0].message.content is null; it holds tool calls instead"));
    }

    @ParameterizedTest
    @MethodSource("malformedAnswers")
    void anAnswerInAnUnexpectedShapeIsABadResponseAndNotRetried(String type, String body, String message) {
        stub.script(new StubEndpoint.Reply(200, type, body, 0));
        try (RemoteMllm remote = remote(stub.baseUrl())) {
            RemoteModelException e = failure(remote);

            assertThat(e.kind()).isEqualTo(Kind.BAD_RESPONSE);
            assertThat(e.status()).hasValue(200);
            assertThat(e).hasMessageStartingWith(message);
            assertThat(stub.requests()).hasSize(1);
        }
    }

    @Test
    void anEndpointThatDoesNotAnswerInTimeIsATimeoutAndNotRetried() {
        stub.script(new StubEndpoint.Reply(200, "application/json", StubEndpoint.completion("qwen", ANSWER, "stop"),
                5_000));
        try (RemoteMllm remote = RemoteMllm.builder(stub.baseUrl(), "qwen", ModelProfiles.byName("qwen2.5-vl"))
                .discoverExperts(false).retries(2, Duration.ofMillis(1)).timeout(Duration.ofMillis(300)).build()) {
            RemoteModelException e = failure(remote);

            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e).hasMessageStartingWith("the endpoint did not answer within the timeout");
            assertThat(stub.requests()).hasSize(1);
        }
    }
}
