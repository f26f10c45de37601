package io.unimllm.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A decode step with the KV cache runs as one TorchScript call ({@link ScriptedDecodeStep}); it must compute what the
 * operation-by-operation path computes: the same hidden states and the same keys and values written to the cache,
 * for one row and for left-padded rows under a mask, and it must give way to that path when a projection is
 * replaced or the program cannot load.
 */
class ScriptedDecodeTest {
    private static final long[][] PROMPTS = {{1, 17, 42, 7, 99, 3}, {0, 0, 1, 5, 150, 8}};
    private static final long[][] NEXT = {{12, 40, 77, 3, 9}, {100, 6, 31, 18, 2}};
    private LlavaModel model;
    private NDManager manager;

    @BeforeEach
    void load() {
        load(Fixtures.golden("tiny-llava"));
    }

    private void load(Path dir) {
        model = LlavaModel.load(dir, LoadOptions.builder().device(Device.cpu()).build());
        manager = model.manager().newSubManager();
    }

    @AfterEach
    void close() {
        manager.close();
        model.close();
    }

    /** The program computes each activation a config may name as the NDArray path does. */
    @ParameterizedTest
    @ValueSource(strings = {"gelu", "gelu_pytorch_tanh", "quick_gelu", "relu"})
    void everyActivationMatchesTheOperationPath(String act, @TempDir Path dir) throws IOException {
        Path src = Fixtures.golden("tiny-llava");
        try (var files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);
        assertThat(text).contains("\"hidden_act\": \"silu\"");
        Files.writeString(config, text.replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"" + act + "\""));
        close();
        load(dir);
        float[][] scripted = run(1, 0, true);
        assertClose(scripted, run(1, 0, false));
        close();
        load(src);
        assertThat(scripted[0]).as("the activation changed the result").isNotEqualTo(run(1, 0, true)[0]);
    }

    /**
     * Prefill then {@code NEXT.length} decode steps, scripted (the model's inference plan) or operation by operation
     * (a view of the same weights); returns the hidden states of every step and the cache's keys.
     */
    private float[][] run(int rows, int pad, boolean scripted) {
        if (scripted) {
            return run(model.decoder(), rows, pad);
        }
        try (LlavaModel ops = model.withPlan(DecoderPlan.operationByOperation())) {
            return run(ops.decoder(), rows, pad);
        }
    }

    private float[][] run(LlamaDecoder d, int rows, int pad) {
        int layers = d.config().numHiddenLayers();
        int steps = NEXT[0].length;
        int t = PROMPTS[0].length;
        float[][] out = new float[steps + 1][];
        try (KvCache cache = new KvCache(manager, layers, rows, d.config().numKeyValueHeads(), t + steps, d.headDim(),
                DataType.FLOAT32)) {
            long[] ids = new long[rows * t];
            long[] pos = new long[rows * t];
            for (int b = 0; b < rows; b++) {
                for (int i = 0; i < t; i++) {
                    ids[b * t + i] = PROMPTS[b][i];
                    pos[b * t + i] = Math.max(0, i - (b == 1 ? pad : 0));
                }
            }
            NDArray h = d.forward(d.embed(manager.create(ids, new Shape(rows, t))), manager.create(pos,
                    new Shape(rows, t)), mask(rows, pad, t, t), cache);
            for (int s = 0; s < steps; s++) {
                long[] next = new long[rows];
                long[] p = new long[rows];
                for (int b = 0; b < rows; b++) {
                    next[b] = NEXT[b][s];
                    p[b] = t + s - (b == 1 ? pad : 0);
                }
                int len = cache.length();
                h = d.forward(d.embed(manager.create(next, new Shape(rows, 1))), manager.create(p, new Shape(rows, 1)),
                        rows > 1 ? mask(rows, pad, 1, len + 1) : null, cache);
                out[s] = h.toFloatArray();
            }
            out[steps] = keys(cache, layers);
        }
        return out;
    }

    private float[] keys(KvCache cache, int layers) {
        NDArray[] k = cache.keyArrays();
        return k[layers - 1].toFloatArray();
    }

    /** Causal mask hiding row 1's first {@code pad} positions, for queries at the last {@code t} of {@code s}. */
    private NDArray mask(int rows, int pad, int t, int s) {
        float[] m = new float[rows * t * s];
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < s; j++) {
                    boolean allowed = j <= s - t + i && (b == 0 || j >= pad);
                    m[(b * t + i) * s + j] = allowed ? 0f : -1e30f;
                }
            }
        }
        return manager.create(m, new Shape(rows, 1, 1, t, s));
    }

    private static void assertClose(float[][] actual, float[][] expected) {
        assertThat(actual.length).isEqualTo(expected.length);
        for (int s = 0; s < actual.length; s++) {
            assertThat(actual[s]).hasSameSizeAs(expected[s]);
            for (int i = 0; i < actual[s].length; i++) {
                assertThat(actual[s][i]).as("step %d, element %d", s, i).isCloseTo(expected[s][i],
                        Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void oneRowMatchesTheOperationPath() {
        assertThat(model.decoder().decodesScripted()).as("the program loads into this libtorch").isTrue();
        assertClose(run(1, 0, true), run(1, 0, false));
    }

    @Test
    void leftPaddedRowsUnderAMaskMatchTheOperationPath() {
        float[][] scripted = run(2, 2, true);
        assertClose(scripted, run(2, 2, false));
        // the padded row's steps differ from the unpadded one's: the mask reached the program
        assertThat(scripted[0]).isNotEqualTo(run(2, 0, true)[0]);
    }

    @Test
    void aReplacedProjectionIsHonoured() {
        float[][] before = run(1, 0, true);
        model.decoder().replaceProjection(0, "mlp.down_proj", down -> new Linear() {
            @Override
            public NDArray apply(NDArray x) {
                return down.apply(x).mul(0f);
            }

            @Override
            public NDArray weight() {
                return down.weight();
            }
        });
        assertThat(model.decoder().decodesScripted()).isFalse();
        float[][] after = run(1, 0, true);
        assertThat(after[0]).isNotEqualTo(before[0]);
        assertClose(after, run(1, 0, false));
    }

    /** A program that is missing, not TorchScript or cut short leaves the step to the operation path, no crash. */
    @Test
    void aProgramThatCannotLoadGivesWayToTheOperationPath() throws IOException {
        byte[] program = bundled("llama_decode_step.pt");
        float[][] expected = run(1, 0, false);
        List<ScriptedDecodeStep.ProgramSource> broken = List.of(name -> null,
                name -> new ByteArrayInputStream("not a program".getBytes(StandardCharsets.UTF_8)),
                name -> new ByteArrayInputStream(Arrays.copyOf(program, program.length / 2)));
        for (ScriptedDecodeStep.ProgramSource source : broken) {
            model.decoder().programSource(source);
            assertThat(model.decoder().decodesScripted()).isFalse();
            assertClose(run(1, 0, true), expected);
        }
        model.decoder().programSource(ScriptedDecodeStep.BUNDLED);
        assertThat(model.decoder().decodesScripted()).isTrue();
    }

    /** Without a packing program the step runs scripted on the plain weights, with the same numbers. */
    @Test
    void aPackingProgramThatCannotLoadLeavesThePlainWeights() throws IOException {
        float[][] expected = run(2, 2, false);
        try (LlavaModel packedModel = model.withPlan(DecoderPlan.packedForBatches())) {
            LlamaDecoder d = packedModel.decoder();
            for (String missing : ScriptedDecodeStep.PROGRAMS.subList(1, 3)) {
                byte[] truncated = Arrays.copyOf(bundled(missing), 100);
                d.programSource(name -> name.equals(missing) ? new ByteArrayInputStream(truncated)
                        : ScriptedDecodeStep.BUNDLED.open(name));
                assertThat(d.decodesScripted()).isTrue();
                assertThat(d.decodesPacked()).as("without %s", missing).isFalse();
                assertClose(run(d, 2, 2), expected);
            }
        }
    }

    private static byte[] bundled(String name) throws IOException {
        try (InputStream in = ScriptedDecodeStep.BUNDLED.open(name)) {
            return in.readAllBytes();
        }
    }

    /** Packed copies of the weights serve steps and logits of several rows with the numbers of the plain weights. */
    @Test
    void packedWeightsForBatchesMatchTheOperationPath() {
        float[][] packed;
        float[] packedLogits;
        NDArray hidden = manager.randomNormal(new Shape(3, model.decoder().config().hiddenSize()));
        try (LlavaModel packedModel = model.withPlan(DecoderPlan.packedForBatches())) {
            LlamaDecoder d = packedModel.decoder();
            assertThat(d.decodesPacked()).as("libtorch packs the weights with oneDNN").isTrue();
            packed = run(d, 2, 2);
            packedLogits = d.logits(hidden).toFloatArray();
        }
        LlamaDecoder plain = model.decoder();
        assertThat(plain.decodesPacked()).isFalse();
        assertClose(packed, run(2, 2, false));
        assertClose(packed, run(2, 2, true));
        assertClose(new float[][] {packedLogits}, new float[][] {plain.logits(hidden).toFloatArray()});
    }

    /**
     * Steps of several rows really multiply with the packed copies, which is also why they must not be trained: a
     * weight zeroed in place changes one-row steps and the operation path, not the packed steps of two rows.
     */
    @Test
    void stepsOfSeveralRowsReadThePackedCopiesWhichDoNotFollowInPlaceUpdates() {
        try (LlavaModel packedModel = model.withPlan(DecoderPlan.packedForBatches())) {
            LlamaDecoder d = packedModel.decoder();
            float[][] before = run(d, 2, 2);
            float[][] oneRowBefore = run(d, 1, 0);
            model.parameters().get("language_model.model.layers.1.mlp.down_proj.weight").muli(0f);
            assertClose(run(d, 2, 2), before);
            assertThat(run(2, 2, false)[0]).isNotEqualTo(before[0]);
            assertThat(run(d, 1, 0)[0]).isNotEqualTo(oneRowBefore[0]);
        }
        try (LlavaModel repacked = model.withPlan(DecoderPlan.packedForBatches())) {
            assertClose(run(repacked.decoder(), 2, 2), run(2, 2, false));
        }
    }
}
