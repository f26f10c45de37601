package io.unimllm.experts.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.experts.convert.ExpertArtifact;
import io.unimllm.experts.convert.ExpertArtifacts;
import io.unimllm.experts.detect.CenterNetDetector;
import io.unimllm.experts.detect.CocoClasses;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Mask;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.spi.Detection;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.ScoredMask;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The converted MediaPipe Selfie model prompted by a box; converts it first when the cache lacks it. */
class SelfieSegmenterTest {
    /** The astronaut's extent in skimage's 512x512 astronaut.png, read off the image by eye. */
    private static final Box ASTRONAUT = new Box(18, 12, 365, 512);

    private static SelfieSegmenter segmenter;
    private static BufferedImage astronaut;

    @BeforeAll
    static void load() throws Exception {
        Path file = ExpertArtifacts.ensureConverted(ExpertArtifact.SELFIE, ExpertArtifacts.repoRoot(), 600);
        segmenter = SelfieSegmenter.load(file, SelfieSegmenter.Config.DEFAULT);
        astronaut = ImageIO.read(Path.of("/usr/lib/python3/dist-packages/skimage/data/astronaut.png").toFile());
    }

    @AfterAll
    static void close() {
        if (segmenter != null) {
            segmenter.close();
        }
    }

    private static TaskCall task(List<Grounding> groundings) {
        return new TaskCall("seg", "", groundings, Optional.empty(), -1);
    }

    @Test
    void segmentsTheAstronautInsideHerBox() throws Exception {
        long t0 = System.nanoTime();
        ExpertResult result = segmenter.run(new ExpertRequest(astronaut, "segment her",
                task(List.of(Grounding.of(ASTRONAUT, "astronaut")))));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ScoredMask scored = result.masks().get(0);
        Mask mask = scored.mask();
        double fill = (double) mask.area() / ASTRONAUT.area();
        System.out.printf("selfie on astronaut box: %d ms, %d px (%.0f%% of the box), score %.3f%n", ms, mask.area(),
                100 * fill, scored.score());
        assertThat(scored.label()).isEqualTo("astronaut");
        assertThat(mask.width()).isEqualTo(512);
        assertThat(mask.get(225, 120)).as("her face").isTrue();
        assertThat(mask.get(200, 420)).as("her suit").isTrue();
        assertThat(mask.get(340, 60)).as("the wall beside her").isFalse();
        assertThat(mask.get(5, 300)).as("the flag, outside the box").isFalse();
        assertThat(fill).isBetween(0.4, 0.95);
        assertThat(scored.score()).isGreaterThan(0.7);
    }

    @Test
    void segmentsThePersonTheDetectorFound() throws Exception {
        Path file = ExpertArtifacts.ensureConverted(ExpertArtifact.CENTERNET, ExpertArtifacts.repoRoot(), 600);
        try (CenterNetDetector detector = CenterNetDetector.load(file, CenterNetDetector.Config.DEFAULT)) {
            Detection person = detector.detect(astronaut, CocoClasses.mentionedIn("person")).get(0);
            Mask fromDetection = segmenter.segment(astronaut, person.box()).mask();
            Mask fromHandBox = segmenter.segment(astronaut, ASTRONAUT).mask();
            // The detector's box is a little wider than the hand-drawn one; the person inside is the same.
            assertThat(fromDetection.iou(fromHandBox)).isGreaterThan(0.9);
        }
    }

    @Test
    void setsNothingOutsideThePromptingBox() throws Exception {
        Box face = new Box(150, 10, 310, 190);
        Mask mask = segmenter.segment(astronaut, face).mask();
        assertThat(mask.get(225, 120)).isTrue();
        for (int y = 0; y < 512; y += 7) {
            for (int x = 0; x < 512; x += 7) {
                if (mask.get(x, y)) {
                    assertThat(x).isBetween(150, 309);
                    assertThat(y).isBetween(10, 189);
                }
            }
        }
    }

    @Test
    void needsABox() {
        assertThatThrownBy(() -> segmenter.run(new ExpertRequest(astronaut, "segment",
                task(List.of(Grounding.of(new Point(10, 10)))))))
                .isInstanceOf(ExpertException.class).hasMessageContaining("box");
        assertThatThrownBy(() -> segmenter.segment(astronaut, new Box(600, 600, 700, 700)))
                .isInstanceOf(ExpertException.class).hasMessageContaining("less than a pixel");
    }
}
