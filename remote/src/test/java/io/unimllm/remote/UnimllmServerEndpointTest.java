package io.unimllm.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.unimllm.ModelManifest;
import io.unimllm.Response;
import io.unimllm.UnifiedMllm;
import io.unimllm.protocol.profile.ModelProfiles;
import io.unimllm.router.TaskResult;
import io.unimllm.router.TaskStatus;
import io.unimllm.router.spi.ScoredMask;
import io.unimllm.server.ServerConfig;
import io.unimllm.server.UnimllmServer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The remote model for real against unimllm's own OpenAI-compatible server on a loopback port, serving the shipped
 * model: the server sends the model's raw answer (task and grounding tokens included) as the content, the
 * {@code unimllm} profile parses it, and the remote model's own router (discovering the built-in experts with the
 * checkpoint's routes and options) gives the task result the local runtime gives.
 */
class UnimllmServerEndpointTest {
    private static final Path ROOT = Path.of(System.getProperty("unimllm.root", ".."));
    private static final Path SHIPPED = ROOT.resolve("models/shapes-tiny");

    @Test
    void aSegmentQuestionGetsTheTaskResultOfTheLocalRuntime() throws IOException {
        BufferedImage image = ImageIO.read(ROOT.resolve("docs/images/two-circles.png").toFile());
        try (UnifiedMllm local = UnifiedMllm.load(SHIPPED);
                UnimllmServer server = UnimllmServer.start(local, ServerConfig.builder().port(0)
                        .modelId("shapes-tiny").build())) {
            Response expected = local.ask(image, "segment the red circle");
            ModelManifest manifest = local.manifest();
            try (RemoteMllm remote = RemoteMllm.builder(server.baseUri() + "/v1", "shapes-tiny",
                    ModelProfiles.byName("unimllm")).tasks(manifest.tasks()).routing(manifest.routing())
                    .expertOptions(manifest.expertOptions()).build()) {
                Response r = remote.ask(image, "segment the red circle");

                assertThat(r.rawAnswer()).isEqualTo(expected.rawAnswer()).contains("<task_seg>");
                assertThat(r.text()).isEqualTo(expected.text());
                assertThat(r.warnings()).isEqualTo(expected.warnings());
                assertThat(r.finishReason()).isEqualTo(expected.finishReason());
                assertThat(r.tasks()).hasSize(1);
                TaskResult got = r.tasks().get(0);
                TaskResult want = expected.tasks().get(0);
                assertThat(got.status()).isEqualTo(TaskStatus.OK);
                assertThat(got.expert()).isEqualTo(want.expert()).contains("colour-region-segmenter");
                assertThat(got.task().taskType()).isEqualTo("segment");
                assertThat(got.task().arguments()).isEqualTo(want.task().arguments());
                // the model names its region, so the local runtime's task heads add nothing the remote lacks
                assertThat(got.task().groundings()).isEqualTo(want.task().groundings()).isNotEmpty();
                assertThat(got.result().orElseThrow().masks()).extracting(ScoredMask::mask)
                        .isEqualTo(want.result().orElseThrow().masks().stream().map(ScoredMask::mask).toList())
                        .isNotEmpty();
            }
        }
    }
}
