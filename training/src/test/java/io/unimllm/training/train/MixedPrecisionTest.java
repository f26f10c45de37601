package io.unimllm.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.unimllm.core.model.DecoderPlan;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.LoadOptions;
import io.unimllm.training.train.TrainingOptions.LossScale;
import io.unimllm.training.train.TrainingOptions.Precision;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fp16 mixed precision on the CPU (libtorch runs fp16 there, slowly; the tiny model makes that cheap): fp32 master
 * weights, fp16 working copies, dynamic loss scaling, and the scale's round trip through a checkpoint.
 */
class MixedPrecisionTest {
    @TempDir
    static Path tmp;
    static Path base;

    @BeforeAll
    static void writeModel() throws Exception {
        base = TinyModel.write(tmp.resolve("base"));
    }

    private static LlavaModel load(Path dir) {
        return LlavaModel.load(dir, LoadOptions.builder().dtype(DataType.FLOAT32).plan(DecoderPlan.training()).build());
    }

    private static TrainingOptions.Builder mixed(TrainingOptions.Builder b, LossScale scale) {
        return b.precision(Precision.FP16_MIXED).lossScale(scale);
    }

    private static Map<String, float[]> snapshot(Map<String, NDArray> params) {
        Map<String, float[]> s = new HashMap<>();
        params.forEach((k, v) -> s.put(k, v.toType(DataType.FLOAT32, false).toFloatArray()));
        return s;
    }

    @Test
    void stepsLowerTheLossOnAFixedBatch() {
        // default scale 2^16: the tiny model's gradients overflow fp16 at first, so the scale calibrates itself
        TrainingOptions options = Stages.fromScratch().schedule(3e-3, 0, 50).mixedPrecision(true).build();
        try (LlavaModel model = load(base); Trainer trainer = new Trainer(model, options, base)) {
            TrainingBatch b = TrainerTest.batch(1);
            double before = trainer.loss(b);
            for (int i = 0; i < 8; i++) {
                trainer.step(b);
            }
            assertThat(trainer.optimizerSteps()).isGreaterThanOrEqualTo(4);
            assertThat(trainer.optimizerSteps() + trainer.overflowSteps()).isEqualTo(8);
            assertThat(trainer.loss(b)).isLessThan(before * 0.9);
        }
    }

    @Test
    void mastersStayFp32AndChangeWhileWorkingCopiesAreFp16CopiesOfThem() {
        TrainingOptions options = mixed(Stages.alignment().schedule(1e-2, 0, 10), new LossScale(1024, 2, 0.5, 100))
                .build();
        try (LlavaModel model = load(base); Trainer trainer = new Trainer(model, options, base)) {
            Map<String, float[]> before = snapshot(model.parameters());
            trainer.step(TrainerTest.batch(2));
            assertThat(trainer.overflowSteps()).isZero();
            assertThat(trainer.optimizerSteps()).isEqualTo(1);
            Map<String, float[]> after = snapshot(model.parameters());
            assertThat(trainer.workingCopies().keySet()).isEqualTo(trainer.trainable().keySet());
            for (String name : before.keySet()) {
                assertThat(model.parameters().get(name).getDataType()).as(name).isEqualTo(DataType.FLOAT32);
                boolean changed = !Arrays.equals(before.get(name), after.get(name));
                assertThat(changed).as(name).isEqualTo(name.startsWith("multi_modal_projector."));
            }
            for (Map.Entry<String, NDArray> e : trainer.workingCopies().entrySet()) {
                NDArray copy = e.getValue();
                assertThat(copy.getDataType()).as(e.getKey()).isEqualTo(DataType.FLOAT16);
                // the copy follows the updated master: equal to it rounded to fp16
                float[] master = model.parameters().get(e.getKey()).toType(DataType.FLOAT16, false)
                        .toType(DataType.FLOAT32, false).toFloatArray();
                assertThat(copy.toType(DataType.FLOAT32, false).toFloatArray()).as(e.getKey()).containsExactly(master);
                assertThat(copy).isNotSameAs(model.parameters().get(e.getKey()));
            }
        }
    }

    @Test
    void overflowSkipsTheUpdateLeavesTheMastersAndHalvesTheScale() {
        TrainingOptions options = mixed(Stages.fromScratch().schedule(1e-2, 0, 10),
                new LossScale(0x1p40, 2, 0.5, 2000)).build();
        try (LlavaModel model = load(base); Trainer trainer = new Trainer(model, options, base)) {
            Map<String, float[]> before = snapshot(trainer.trainable());
            Trainer.StepResult r = trainer.step(TrainerTest.batchWithPoints(3));
            assertThat(r.loss()).isFinite();
            assertThat(trainer.overflowSteps()).isEqualTo(1);
            assertThat(trainer.optimizerSteps()).isZero();
            assertThat(trainer.lossScale()).isEqualTo(0x1p39);
            assertThat(trainer.lastSkipReason()).contains("overflow");
            Map<String, float[]> after = snapshot(trainer.trainable());
            for (String name : before.keySet()) {
                assertThat(after.get(name)).as(name).containsExactly(before.get(name));
            }
        }
    }

    @Test
    void theUpdateAfterAnOverflowStartsFromClearedGradients() {
        // one overflow at 2^40, then a back-off straight to 2^10: the next update must apply (no inf carried over)
        TrainingOptions options = mixed(Stages.fromScratch().schedule(1e-2, 0, 10),
                new LossScale(0x1p40, 2, 0x1p-30, 2000)).build();
        try (LlavaModel model = load(base); Trainer trainer = new Trainer(model, options, base)) {
            Map<String, float[]> before = snapshot(trainer.trainable());
            trainer.step(TrainerTest.batchWithPoints(3));
            assertThat(trainer.overflowSteps()).isEqualTo(1);
            assertThat(trainer.lossScale()).isEqualTo(0x1p10);
            trainer.step(TrainerTest.batchWithPoints(3));
            assertThat(trainer.overflowSteps()).isEqualTo(1);
            assertThat(trainer.optimizerSteps()).isEqualTo(1);
            Map<String, float[]> after = snapshot(trainer.trainable());
            for (String name : before.keySet()) {
                assertThat(after.get(name)).as(name).doesNotContain(Float.NaN, Float.POSITIVE_INFINITY,
                        Float.NEGATIVE_INFINITY);
                assertThat(Arrays.equals(before.get(name), after.get(name))).as(name).isFalse();
            }
        }
    }

    @Test
    void scaleGrowsAfterTheGrowthIntervalOfGoodSteps() {
        TrainingOptions options = mixed(Stages.alignment().schedule(1e-3, 0, 10), new LossScale(256, 2, 0.5, 3))
                .build();
        try (LlavaModel model = load(base); Trainer trainer = new Trainer(model, options, base)) {
            TrainingBatch b = TrainerTest.batch(4);
            trainer.step(b);
            trainer.step(b);
            assertThat(trainer.lossScale()).isEqualTo(256);
            trainer.step(b);
            assertThat(trainer.overflowSteps()).isZero();
            assertThat(trainer.lossScale()).isEqualTo(512);
            assertThat(trainer.optimizerSteps()).isEqualTo(3);
        }
    }

    @Test
    void mixedLossesTrackTheFp32Losses() {
        double[] fp32 = new double[3];
        double[] fp16 = new double[3];
        try (LlavaModel model = load(base);
                Trainer trainer = new Trainer(model, Stages.fromScratch().schedule(3e-3, 0, 10).build(), base)) {
            for (int i = 0; i < 3; i++) {
                fp32[i] = trainer.step(TrainerTest.batchWithPoints(5)).loss();
            }
        }
        TrainingOptions options = mixed(Stages.fromScratch().schedule(3e-3, 0, 10), new LossScale(1024, 2, 0.5, 100))
                .build();
        try (LlavaModel model = load(base); Trainer trainer = new Trainer(model, options, base)) {
            for (int i = 0; i < 3; i++) {
                fp16[i] = trainer.step(TrainerTest.batchWithPoints(5)).loss();
            }
            assertThat(trainer.overflowSteps()).isZero();
        }
        // the first loss differs only by fp16 rounding in the forward; the next ones also by the fp16 gradients
        assertThat(fp16[0]).isCloseTo(fp32[0], within(1e-2 * fp32[0]));
        for (int i = 1; i < 3; i++) {
            assertThat(fp16[i]).as("step %d", i).isCloseTo(fp32[i], within(2e-2 * fp32[i]));
        }
        assertThat(fp32[2]).isLessThan(fp32[0]);
    }

    @Test
    void unscaledFp16GradientsMatchTheFp32Gradients() {
        // accumulation 2: after one micro-batch the gradients wait, unscaled for comparison, before any update
        TrainingBatch b = TrainerTest.batchWithPoints(6);
        Map<String, float[]> fp32 = new HashMap<>();
        try (LlavaModel model = load(base); Trainer trainer = new Trainer(model,
                Stages.fromScratch().schedule(1e-3, 0, 10).accumulation(2).build(), base);
                ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            trainer.step(b);
            fp32.putAll(snapshot(trainer.pendingGradients()));
        }
        TrainingOptions options = mixed(Stages.fromScratch().schedule(1e-3, 0, 10).accumulation(2),
                new LossScale(4096, 2, 0.5, 100)).build();
        try (LlavaModel model = load(base); Trainer trainer = new Trainer(model, options, base);
                ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            trainer.step(b);
            assertThat(trainer.optimizerSteps()).isZero();
            Map<String, float[]> fp16 = snapshot(trainer.pendingGradients());
            assertThat(fp16.keySet()).isEqualTo(fp32.keySet());
            double diff = 0;
            double norm = 0;
            for (String name : fp32.keySet()) {
                float[] x = fp32.get(name);
                float[] y = fp16.get(name);
                for (int i = 0; i < x.length; i++) {
                    diff += (x[i] - y[i]) * (double) (x[i] - y[i]);
                    norm += x[i] * (double) x[i];
                }
            }
            assertThat(norm).isGreaterThan(0);
            // a wrong (un)scale would be off by a factor of 4096 or 1/4096
            assertThat(Math.sqrt(diff / norm)).isLessThan(2e-2);
        }
    }

    @Test
    void resumeRestoresTheLossScaleAndContinuesTheSameCurve() {
        // 2^24 overflows at first and backs off; growth every 2 good steps then moves it up again
        TrainingOptions options = mixed(Stages.fromScratch().schedule(3e-3, 1, 6), new LossScale(0x1p24, 2, 0.5, 2))
                .build();
        double[] straight = new double[6];
        double straightScale;
        try (LlavaModel model = load(base); Trainer trainer = new Trainer(model, options, base)) {
            for (int i = 0; i < 6; i++) {
                straight[i] = trainer.step(TrainerTest.batch(10 + i)).loss();
            }
            straightScale = trainer.lossScale();
        }
        Path mid = tmp.resolve("mid");
        double[] resumed = new double[6];
        double savedScale;
        try (LlavaModel model = load(base); Trainer trainer = new Trainer(model, options, base)) {
            for (int i = 0; i < 3; i++) {
                resumed[i] = trainer.step(TrainerTest.batch(10 + i)).loss();
            }
            savedScale = trainer.lossScale();
            trainer.save(mid, false);
        }
        assertThat(savedScale).isNotEqualTo(0x1p24);
        try (LlavaModel model = load(mid); Trainer trainer = new Trainer(model, options, mid)) {
            assertThat(trainer.lossScale()).isEqualTo(0x1p24);
            trainer.resume(mid);
            assertThat(trainer.lossScale()).isEqualTo(savedScale);
            for (int i = 3; i < 6; i++) {
                resumed[i] = trainer.step(TrainerTest.batch(10 + i)).loss();
            }
            assertThat(trainer.lossScale()).isEqualTo(straightScale);
        }
        for (int i = 0; i < 6; i++) {
            assertThat(resumed[i]).as("step %d", i).isCloseTo(straight[i], within(1e-4));
        }
    }

    @Test
    void loraStageTrainsFp32AdaptersThroughFp16CopiesAndLeavesTheBaseDecoder() {
        // a scale far below fp16's overflow for these losses: both steps must apply (an overflow at 1024 was seen once
        // in a few runs, which would skip one and say nothing about the adapters)
        TrainingOptions options = mixed(Stages.multiTask(2).schedule(1e-2, 0, 10), new LossScale(64, 2, 0.5, 100))
                .build();
        try (LlavaModel model = load(base); Trainer trainer = new Trainer(model, options, base)) {
            Map<String, float[]> before = snapshot(model.parameters());
            Map<String, float[]> adaptersBefore = snapshot(trainer.trainable());
            trainer.step(TrainerTest.batchWithPoints(3));
            trainer.step(TrainerTest.batchWithPoints(3));
            assertThat(trainer.optimizerSteps()).isEqualTo(2);
            Map<String, float[]> after = snapshot(model.parameters());
            for (String name : before.keySet()) {
                boolean changed = !Arrays.equals(before.get(name), after.get(name));
                assertThat(changed).as(name).isEqualTo(name.startsWith("multi_modal_projector."));
            }
            Map<String, float[]> adaptersAfter = snapshot(trainer.trainable());
            assertThat(adaptersAfter.keySet()).anyMatch(n -> n.endsWith("q_proj.lora_B.weight"));
            for (String name : adaptersAfter.keySet()) {
                assertThat(trainer.trainable().get(name).getDataType()).as(name).isEqualTo(DataType.FLOAT32);
                assertThat(trainer.workingCopies().get(name).getDataType()).as(name).isEqualTo(DataType.FLOAT16);
                assertThat(Arrays.equals(adaptersBefore.get(name), adaptersAfter.get(name))).as(name).isFalse();
            }
        }
    }

    @Test
    void precisionParsesTheCommandLineSpellingsAndDefaultsToFp32() {
        assertThat(Precision.parse("fp32")).isEqualTo(Precision.FP32);
        assertThat(Precision.parse("fp16-mixed")).isEqualTo(Precision.FP16_MIXED);
        assertThatThrownBy(() -> Precision.parse("bf16")).isInstanceOf(IllegalArgumentException.class);
        TrainingOptions defaults = Stages.alignment().build();
        assertThat(defaults.precision()).isEqualTo(Precision.FP32);
        assertThat(defaults.lossScale()).isEqualTo(new LossScale(65536, 2, 0.5, 2000));
    }

    @Test
    void mixedPrecisionNeedsFp32Masters() {
        TrainingOptions options = Stages.alignment().mixedPrecision(true).build();
        try (LlavaModel model = LlavaModel.load(base, LoadOptions.builder().dtype(DataType.FLOAT16).plan(DecoderPlan.training()).build())) {
            assertThatThrownBy(() -> new Trainer(model, options, base)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fp32");
        }
    }
}
