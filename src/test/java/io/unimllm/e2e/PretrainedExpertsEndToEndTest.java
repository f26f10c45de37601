package io.unimllm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.experts.convert.ExpertArtifact;
import io.unimllm.experts.convert.ExpertArtifacts;
import io.unimllm.experts.segment.SelfieSegmenter;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.RoutingConfig;
import io.unimllm.router.TaskResult;
import io.unimllm.router.TaskRouter;
import io.unimllm.router.TaskStatus;
import io.unimllm.router.spi.Detection;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The router with the experts discovered on the class path, including the pretrained ones converted from npm
 * (CenterNet COCO detector, MediaPipe Selfie segmenter), on Debian's public-domain sample photos.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PretrainedExpertsEndToEndTest {
    private static final Path PHOTOS = Path.of("/usr/lib/python3/dist-packages/skimage/data");
    /** The astronaut's extent in astronaut.png (512 x 512), checked by eye. */
    private static final Box ASTRONAUT = new Box(18, 12, 365, 512);

    private TaskRouter router;
    private BufferedImage astronaut;

    @BeforeAll
    void setUp() throws Exception {
        Path root = ExpertArtifacts.repoRoot();
        ExpertArtifacts.ensureConverted(ExpertArtifact.CENTERNET, root, 1200);
        ExpertArtifacts.ensureConverted(ExpertArtifact.SELFIE, root, 1200);
        astronaut = ImagePreprocessor.decode(PHOTOS.resolve("astronaut.png"));
        router = TaskRouter.builder().discover(Map.of("esrgan.enabled", "false"))
                .routing(new RoutingConfig(Map.of("segment", List.of(SelfieSegmenter.NAME)), false))
                .timeout(Duration.ofMinutes(3)).build();
    }

    @AfterAll
    void tearDown() {
        router.close();
    }

    private static TaskCall task(String type, String args, Grounding... g) {
        return new TaskCall(type, args, List.of(g), Optional.empty(), 0);
    }

    @Test
    void aDetectTaskFindsTheAstronautAndItsBoxPromptsThePersonSegmenter() {
        List<TaskResult> detected = router.route(astronaut, "find the person", List.of(task("detect", "person")));
        assertThat(detected.get(0).status()).isEqualTo(TaskStatus.OK);
        assertThat(detected.get(0).expert()).hasValueSatisfying(n -> assertThat(n).contains("centernet"));
        Detection person = detected.get(0).result().orElseThrow().detections().stream()
                .filter(d -> d.label().equals("person")).findFirst().orElseThrow();
        assertThat(person.box().iou(ASTRONAUT)).isGreaterThan(0.7);

        // the detector's box prompts the segmenter, as a model's grounding would
        List<TaskResult> segmented = router.route(astronaut, "segment the person",
                List.of(task("segment", "person", Grounding.of(person.box()))));
        assertThat(segmented.get(0).expert()).contains(SelfieSegmenter.NAME);
        var mask = segmented.get(0).result().orElseThrow().masks().get(0).mask();
        double inside = mask.area() / person.box().area();
        assertThat(inside).as("share of the person's box the mask covers").isBetween(0.35, 0.95);
        assertThat(mask.get(200, 300)).as("the suit is the person").isTrue();
        assertThat(mask.get(480, 100)).as("far right of the image is background").isFalse();
    }

    @Test
    void twoTasksOfOneAnswerBothComeBackAndAnUnservedOneIsReported() {
        List<TaskResult> r = router.route(astronaut, "x", List.of(task("detect", "person"),
                task("segment", "person", Grounding.of(ASTRONAUT)), task("fly", "to the moon")));
        assertThat(r).extracting(TaskResult::status).containsExactly(TaskStatus.OK, TaskStatus.OK,
                TaskStatus.NO_EXPERT);
    }

    @Test
    void theDetectorFindsTheCatInChelsea() throws Exception {
        BufferedImage chelsea = ImagePreprocessor.decode(PHOTOS.resolve("chelsea.png"));
        List<TaskResult> r = router.route(chelsea, "where is the cat?", List.of(task("detect", "cat")));
        assertThat(r.get(0).result().orElseThrow().detections()).extracting(Detection::label).contains("cat");
    }
}
