package io.unimllm.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import io.unimllm.core.generate.Generator;
import io.unimllm.core.generate.Prompt;
import io.unimllm.core.model.DecoderPlan;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.LoadOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's contract: it learns, it trains only what the stage selects, and checkpoints round-trip exactly. */
class TrainerTest {
    private static final LoadOptions TRAINING = LoadOptions.builder().plan(DecoderPlan.training()).build();
    private static final int IMAGE_TOKEN = 60;
    private static final int N = 4; // image tokens per image: (8/4)^2
    @TempDir
    static Path tmp;
    static Path base;

    @BeforeAll
    static void writeModel() throws Exception {
        base = TinyModel.write(tmp.resolve("base"));
    }

    static TrainingBatch batch(long seed) {
        Random r = new Random(seed);
        int b = 2;
        int t = 12;
        long[][] ids = new long[b][t];
        int[][] labels = new int[b][t];
        float[][] px = new float[b][3 * 8 * 8];
        for (int i = 0; i < b; i++) {
            ids[i][0] = 1;
            for (int j = 1; j <= N; j++) {
                ids[i][j] = IMAGE_TOKEN;
            }
            for (int j = N + 1; j < t; j++) {
                ids[i][j] = 3 + r.nextInt(50);
            }
            for (int j = 0; j < t; j++) {
                labels[i][j] = j > 7 ? (int) ids[i][j] : TrainingBatch.IGNORE;
            }
            for (int k = 0; k < px[i].length; k++) {
                px[i][k] = (float) r.nextGaussian();
            }
        }
        float[][] boxes = {{0.1f, 0.2f, 0.5f, 0.6f}, null};
        return new TrainingBatch(ids, labels, px, boxes, new int[] {6, -1});
    }

    /** {@link #batch(long)} with point targets of the mask-prompt head at both rows' position 6. */
    static TrainingBatch batchWithPoints(long seed) {
        TrainingBatch b = batch(seed);
        return new TrainingBatch(b.inputIds(), b.labels(), b.pixels(), b.regionTargets(), new int[] {6, 6},
                new float[][] {{0.8f, 0.25f}, {0.15f, 0.7f}});
    }

    private static Map<String, float[]> snapshot(Map<String, NDArray> params) {
        Map<String, float[]> s = new HashMap<>();
        params.forEach((k, v) -> s.put(k, v.toFloatArray()));
        return s;
    }

    @Test
    void optimisationStepsLowerTheLossOnAFixedBatch() {
        try (LlavaModel model = LlavaModel.load(base, TRAINING);
                Trainer trainer = new Trainer(model, Stages.fromScratch().schedule(3e-3, 0, 50).build(), base)) {
            TrainingBatch b = batch(1);
            double before = trainer.loss(b);
            for (int i = 0; i < 5; i++) {
                trainer.step(b);
            }
            assertThat(trainer.loss(b)).isLessThan(before * 0.9);
            assertThat(trainer.optimizerSteps()).isEqualTo(5);
        }
    }

    @Test
    void aDecoderWithPackedWeightCopiesIsRefusedBecauseTrainingWouldLeaveThemStale() {
        try (LlavaModel model = LlavaModel.load(base, LoadOptions.builder().plan(DecoderPlan.packedForBatches())
                .build())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Trainer(model,
                    Stages.fromScratch().schedule(3e-3, 0, 50).build(), base))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("packedWeights");
        }
        try (LlavaModel model = LlavaModel.load(base, TRAINING)) {
            new Trainer(model, Stages.fromScratch().schedule(3e-3, 0, 50).build(), base).close();
        }
    }

    @Test
    void aDecoderWithStackedProjectionsIsRefusedBecauseGradientsWouldNotReachTheProjections() {
        // the default (inference) plan stacks the projections
        try (LlavaModel model = LlavaModel.load(base)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Trainer(model,
                    Stages.fromScratch().schedule(3e-3, 0, 50).build(), base))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DecoderPlan.training()");
        }
    }

    @Test
    void alignmentStageChangesOnlyTheProjector() {
        try (LlavaModel model = LlavaModel.load(base, TRAINING);
                Trainer trainer = new Trainer(model, Stages.alignment().schedule(1e-2, 0, 10).build(), base)) {
            Map<String, float[]> before = snapshot(model.parameters());
            trainer.step(batch(2));
            Map<String, float[]> after = snapshot(model.parameters());
            assertThat(trainer.trainable().keySet()).allMatch(n -> n.startsWith("multi_modal_projector."));
            for (String name : before.keySet()) {
                boolean changed = !java.util.Arrays.equals(before.get(name), after.get(name));
                assertThat(changed).as(name).isEqualTo(name.startsWith("multi_modal_projector."));
            }
        }
    }

    @Test
    void loraStageTrainsAdaptersHeadAndProjectorButNotTheBaseDecoder() {
        try (LlavaModel model = LlavaModel.load(base, TRAINING);
                Trainer trainer = new Trainer(model, Stages.multiTask(2).schedule(1e-2, 0, 10).build(), base)) {
            Map<String, float[]> before = snapshot(model.parameters());
            Map<String, float[]> adaptersBefore = snapshot(trainer.trainable());
            // both task heads need a target in the batch to receive a gradient
            trainer.step(batchWithPoints(3));
            trainer.step(batchWithPoints(3));
            Map<String, float[]> after = snapshot(model.parameters());
            for (String name : before.keySet()) {
                boolean changed = !java.util.Arrays.equals(before.get(name), after.get(name));
                assertThat(changed).as(name).isEqualTo(name.startsWith("multi_modal_projector."));
            }
            Map<String, float[]> adaptersAfter = snapshot(trainer.trainable());
            assertThat(adaptersAfter.keySet()).anyMatch(n -> n.endsWith("q_proj.lora_B.weight"))
                    .anyMatch(n -> n.startsWith("region_head.")).anyMatch(n -> n.startsWith("mask_prompt_head."));
            for (String name : adaptersAfter.keySet()) {
                assertThat(java.util.Arrays.equals(adaptersBefore.get(name), adaptersAfter.get(name))).as(name)
                        .isFalse();
            }
        }
    }

    @Test
    void savedCheckpointLoadsWithIdenticalLogits() {
        Path out = tmp.resolve("saved");
        float[] expected;
        Prompt prompt = new Prompt(new int[] {1, IMAGE_TOKEN, 5, 6, 7}, List.of(batch(4).pixels()[0]));
        try (LlavaModel model = LlavaModel.load(base, TRAINING);
                Trainer trainer = new Trainer(model, Stages.multiTask(2).schedule(1e-2, 0, 10).build(), base)) {
            trainer.step(batch(4));
            trainer.step(batch(5));
            trainer.save(out, true);
            expected = new Generator(model).promptLogits(prompt);
        }
        try (LlavaModel loaded = LlavaModel.load(out)) {
            float[] got = new Generator(loaded).promptLogits(prompt);
            assertThat(got).hasSameSizeAs(expected);
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).isCloseTo(expected[i], within(1e-5f));
            }
        }
    }

    @Test
    void resumedTrainingContinuesTheSameLossCurve() {
        double[] straight = new double[4];
        try (LlavaModel model = LlavaModel.load(base, TRAINING);
                Trainer trainer = new Trainer(model, Stages.fromScratch().schedule(3e-3, 1, 4).build(), base)) {
            for (int i = 0; i < 4; i++) {
                straight[i] = trainer.step(batch(10 + i)).loss();
            }
        }
        Path mid = tmp.resolve("mid");
        double[] resumed = new double[4];
        try (LlavaModel model = LlavaModel.load(base, TRAINING);
                Trainer trainer = new Trainer(model, Stages.fromScratch().schedule(3e-3, 1, 4).build(), base)) {
            for (int i = 0; i < 2; i++) {
                resumed[i] = trainer.step(batch(10 + i)).loss();
            }
            trainer.save(mid, false);
        }
        try (LlavaModel model = LlavaModel.load(mid, TRAINING);
                Trainer trainer = new Trainer(model, Stages.fromScratch().schedule(3e-3, 1, 4).build(), mid)) {
            trainer.resume(mid);
            for (int i = 2; i < 4; i++) {
                resumed[i] = trainer.step(batch(10 + i)).loss();
            }
        }
        for (int i = 0; i < 4; i++) {
            assertThat(resumed[i]).as("step %d", i).isCloseTo(straight[i], within(1e-4));
        }
    }

    @Test
    void maskPromptHeadTrainsJointlyAndLowersThePointLossOnAFixedBatch() {
        TrainingOptions options = TrainingOptions.builder("heads").train("multi_modal_projector\\..*")
                .maskPromptHead(1.0).schedule(3e-2, 0, 50).build();
        try (LlavaModel model = LlavaModel.load(base, TRAINING); Trainer trainer = new Trainer(model, options, base)) {
            TrainingBatch b = batchWithPoints(20);
            assertThat(trainer.trainable().keySet()).contains("mask_prompt_head.fc1.weight",
                    "mask_prompt_head.fc2.bias");
            Map<String, float[]> headBefore = snapshot(trainer.maskPromptHead().orElseThrow().parameters());
            double before = trainer.pointLoss(b);
            Trainer.StepResult first = trainer.step(b);
            assertThat(first.pointLoss()).isCloseTo(before, within(1e-4));
            assertThat(first.loss()).isCloseTo(first.lmLoss() + first.pointLoss(), within(1e-3));
            Map<String, float[]> headAfter = snapshot(trainer.maskPromptHead().orElseThrow().parameters());
            for (String name : headBefore.keySet()) {
                assertThat(java.util.Arrays.equals(headBefore.get(name), headAfter.get(name))).as(name).isFalse();
            }
            for (int i = 0; i < 9; i++) {
                trainer.step(b);
            }
            assertThat(trainer.pointLoss(b)).isLessThan(before * 0.7);
        }
    }

    @Test
    void headsFileKeepsBothHeadsAndARegionOnlyCheckpointGainsAFreshMaskHead() throws Exception {
        Path regionOnly = tmp.resolve("region-only");
        TrainingOptions regionStage = TrainingOptions.builder("region").train("multi_modal_projector\\..*")
                .regionHead(1.0).schedule(1e-2, 0, 10).build();
        Map<String, float[]> regionSaved;
        try (LlavaModel model = LlavaModel.load(base, TRAINING); Trainer trainer = new Trainer(model, regionStage, base)) {
            trainer.step(batch(6));
            assertThat(trainer.maskPromptHead()).isEmpty();
            regionSaved = snapshot(trainer.regionHead().orElseThrow().parameters());
            trainer.save(regionOnly, true);
        }
        assertThat(Trainer.readFloats(regionOnly.resolve("heads.safetensors")).keySet())
                .allMatch(n -> n.startsWith("region_head."));

        Path both = tmp.resolve("both-heads");
        Map<String, float[]> maskSaved;
        try (LlavaModel model = LlavaModel.load(regionOnly, TRAINING);
                Trainer trainer = new Trainer(model, Stages.fromScratch().schedule(1e-2, 0, 10).build(), regionOnly)) {
            // the region head is the saved one, the mask-prompt head is new
            Map<String, float[]> region = snapshot(trainer.regionHead().orElseThrow().parameters());
            regionSaved.forEach((k, v) -> assertThat(region.get(k)).as(k).containsExactly(v));
            assertThat(trainer.maskPromptHead()).isPresent();
            trainer.step(batchWithPoints(7));
            maskSaved = snapshot(trainer.maskPromptHead().orElseThrow().parameters());
            trainer.save(both, true);
        }
        assertThat(Trainer.readFloats(both.resolve("heads.safetensors")).keySet())
                .anyMatch(n -> n.startsWith("region_head.")).anyMatch(n -> n.startsWith("mask_prompt_head."));
        // a stage that trains no head still loads both and writes them back unchanged
        try (LlavaModel model = LlavaModel.load(both, TRAINING);
                Trainer trainer = new Trainer(model, Stages.alignment().schedule(1e-2, 0, 10).build(), both)) {
            Map<String, float[]> mask = snapshot(trainer.maskPromptHead().orElseThrow().parameters());
            maskSaved.forEach((k, v) -> assertThat(mask.get(k)).as(k).containsExactly(v));
            assertThat(trainer.trainable().keySet()).noneMatch(n -> n.contains("_head."));
        }
    }
}
