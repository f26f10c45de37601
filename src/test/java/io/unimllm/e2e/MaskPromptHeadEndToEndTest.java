package io.unimllm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.unimllm.MaskPromptPoints;
import io.unimllm.Response;
import io.unimllm.UnifiedMllm;
import io.unimllm.core.model.MaskPromptHead;
import io.unimllm.core.model.RegionHead;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.core.safetensors.SafetensorsWriter;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.TaskStatus;
import io.unimllm.shapes.eval.EvaluationReport;
import io.unimllm.shapes.eval.ShapesEvaluation;
import io.unimllm.shapes.world.Phrasings;
import io.unimllm.shapes.world.Sample;
import io.unimllm.shapes.world.WorldGenerator;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's use of a mask-prompt head, on copies of the shipped model: with its region head only, and with a
 * mask-prompt head whose point does not depend on the hidden state, (0.25, 0.75) of the image.
 */
class MaskPromptHeadEndToEndTest {
    private static final Path SHIPPED = Path.of(System.getProperty("unimllm.root", ".")).resolve("models/shapes-tiny");

    @TempDir
    Path tmp;

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    /** shapes-tiny with its region head and a constant mask-prompt head, in {@code dir}. */
    private static void copyWithConstantMaskHead(Path dir) throws Exception {
        List<SafetensorsWriter.Entry> entries = copyWithRegionHeadOnly(dir);
        int hidden = 128;
        int mid = hidden / 2;
        String p = MaskPromptHead.PREFIX;
        entries.add(SafetensorsWriter.Entry.f32(p + "fc1.weight", new long[] {mid, hidden}, new float[mid * hidden]));
        entries.add(SafetensorsWriter.Entry.f32(p + "fc1.bias", new long[] {mid}, new float[mid]));
        entries.add(SafetensorsWriter.Entry.f32(p + "fc2.weight", new long[] {2, mid}, new float[2 * mid]));
        entries.add(SafetensorsWriter.Entry.f32(p + "fc2.bias", new long[] {2},
                new float[] {(float) logit(0.25), (float) logit(0.75)}));
        Files.delete(dir.resolve(MaskPromptHead.FILE));
        SafetensorsWriter.write(dir.resolve(MaskPromptHead.FILE), entries, Map.of("format", "pt"));
    }

    /** shapes-tiny with its region head only, in {@code dir}; returns the head entries written. */
    private static List<SafetensorsWriter.Entry> copyWithRegionHeadOnly(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(SHIPPED)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        try (SafetensorsCheckpoint heads = SafetensorsCheckpoint.open(SHIPPED.resolve(MaskPromptHead.FILE))) {
            for (String name : heads.tensorNames()) {
                if (!name.startsWith(RegionHead.PREFIX)) {
                    continue;
                }
                FloatBuffer fb = heads.data(name).asFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                entries.add(SafetensorsWriter.Entry.f32(name, heads.info(name).shape(), v));
            }
        }
        Files.delete(dir.resolve(MaskPromptHead.FILE));
        SafetensorsWriter.write(dir.resolve(MaskPromptHead.FILE), entries, Map.of("format", "pt"));
        return entries;
    }

    private static Sample segmentSample() {
        WorldGenerator w = new WorldGenerator(48, Phrasings.TEST, 11);
        while (true) {
            Sample s = w.next();
            if (s.task() == Phrasings.Task.SEGMENT) {
                return s;
            }
        }
    }

    @Test
    void segmentTaskGetsTheHeadsPointBesideItsOwnBoxAndTheSegmenterIsPromptedWithBoth() throws Exception {
        copyWithConstantMaskHead(tmp);
        Sample s = segmentSample();
        try (UnifiedMllm mllm = UnifiedMllm.builder(tmp).maskPromptPoints(MaskPromptPoints.ALWAYS).build()) {
            assertThat(mllm.hasMaskPromptHead()).isTrue();
            assertThat(mllm.hasRegionHead()).isTrue();
            Response r = mllm.ask(s.scene().render(), s.instruction());
            TaskCall task = r.parsed().tasks().get(0);
            assertThat(task.taskType()).isEqualTo("segment");
            List<Grounding> points = task.groundings().stream().filter(g -> g.geometry() instanceof Point).toList();
            assertThat(points).singleElement().satisfies(g -> {
                assertThat(g.label()).contains(UnifiedMllm.MASK_PROMPT_HEAD_LABEL);
                Point pt = (Point) g.geometry();
                assertThat(pt.x()).isCloseTo(12.0, within(1e-3));
                assertThat(pt.y()).isCloseTo(36.0, within(1e-3));
            });
            // the model's own box is kept (the shipped model writes one for segment tasks), before the point
            assertThat(task.groundings().get(0).geometry()).isInstanceOf(Box.class);
            assertThat(task.groundings().get(0).label()).isNotEqualTo(java.util.Optional.of("region_head"));
            Point direct = mllm.headPoint(task.hiddenState().orElseThrow(), 48, 48);
            assertThat(direct.x()).isCloseTo(12.0, within(1e-3));
            assertThat(r.tasks().get(0).status()).isEqualTo(TaskStatus.OK);
            assertThat(r.tasks().get(0).result().orElseThrow().masks()).hasSize(1);

            EvaluationReport report = ShapesEvaluation.run(mllm, true, 40, 2027, null);
            assertThat(report.maskHeadIouMean()).isBetween(0.0, 1.0);
            assertThat(report.maskBoxOnlyIouMean()).isBetween(0.0, 1.0);
            assertThat(report.markdown()).contains("| mask IoU (mask-prompt head: model's box + head's point) |");
        }
    }

    @Test
    void byDefaultTheHeadsPointIsAddedOnlyWhereTheModelNamedNoRegion() throws Exception {
        copyWithConstantMaskHead(tmp);
        Sample s = segmentSample();
        try (UnifiedMllm mllm = UnifiedMllm.load(tmp)) {
            TaskCall task = mllm.ask(s.scene().render(), s.instruction()).parsed().tasks().get(0);
            assertThat(task.groundings()).isNotEmpty().allMatch(g -> g.geometry() instanceof Box)
                    .noneMatch(g -> g.label().equals(java.util.Optional.of(UnifiedMllm.MASK_PROMPT_HEAD_LABEL)));
        }
    }

    @Test
    void theShippedModelHasATrainedMaskPromptHead() {
        try (UnifiedMllm mllm = UnifiedMllm.load(SHIPPED)) {
            assertThat(mllm.hasMaskPromptHead()).isTrue();
            Point a = mllm.headPoint(new float[128], 48, 48);
            float[] other = new float[128];
            java.util.Arrays.fill(other, 1f);
            assertThat(mllm.headPoint(other, 48, 48)).as("the point depends on the hidden state").isNotEqualTo(a);
        }
    }

    @Test
    void withoutTheHeadNoPointIsAdded() throws Exception {
        copyWithRegionHeadOnly(tmp);
        Sample s = segmentSample();
        try (UnifiedMllm mllm = UnifiedMllm.builder(tmp).maskPromptPoints(MaskPromptPoints.ALWAYS).build()) {
            assertThat(mllm.hasMaskPromptHead()).isFalse();
            Response r = mllm.ask(s.scene().render(), s.instruction());
            assertThat(r.parsed().tasks().get(0).groundings()).noneMatch(g -> g.geometry() instanceof Point);
            EvaluationReport report = ShapesEvaluation.run(mllm, true, 4, 2027, null);
            assertThat(report.maskHeadIouMean()).isNaN();
            assertThat(report.markdown()).doesNotContain("mask-prompt head");
        }
    }
}
