package io.unimllm.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A decode step (one new position per row, KV cache on) of {@link LlamaDecoder} run as one TorchScript call.
 *
 * <p>A step is about fifty tensor operations per layer; issued one by one from Java through DJL's JNI, each costs
 * more than its own work at batch 1 (docs/performance.md). The program {@code llama_decode_step.pt} (written by
 * {@code tools/torchscript/make_decode_step.py}, committed) performs the same operations inside libtorch's
 * interpreter. The program holds no weights: the decoder's own tensors, the KV cache and the step's inputs are passed
 * on every call, so it serves any checkpoint of the architecture, and in-place weight updates are seen. The one
 * exception is opt-in: with {@link DecoderPlan#packedWeights()} in the decoder's plan, this step also holds
 * oneDNN-packed copies of the projection and lm_head weights for steps of several rows, and those copies do not
 * follow in-place updates.
 * The decoder's NDArray path stays the reference; tests compare the two.
 */
final class ScriptedDecodeStep implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScriptedDecodeStep.class);
    private static final String RESOURCE = "llama_decode_step.pt";
    private static final String PACK_RESOURCE = "pack_linear_weights.pt";
    private static final String PACKED_LINEAR_RESOURCE = "packed_linear.pt";

    /** Where the programs' bytes come from. */
    @FunctionalInterface
    interface ProgramSource {
        /** A stream of the serialised program {@code name} (e.g. {@code llama_decode_step.pt}), or {@code null}. */
        InputStream open(String name) throws IOException;
    }

    /** The programs bundled with this class. */
    static final ProgramSource BUNDLED = ScriptedDecodeStep.class::getResourceAsStream;

    /** File names of the programs: the decode step, the weight packer, the packed lm_head. */
    static final List<String> PROGRAMS = List.of(RESOURCE, PACK_RESOURCE, PACKED_LINEAR_RESOURCE);

    private final PtSymbolBlock program;
    private final IValue tables;
    private final IValue norms;
    private final IValue weights;
    private final IValue biases;
    /** The packed weights, or one empty tensor when none (the program then uses the plain weights). */
    private final IValue packed;
    /** The lm_head packed, and the program that applies it; both null unless the weights are packed. */
    private final IValue packedHead;
    private final PtSymbolBlock packedLinear;
    private final IValue eps;
    private final IValue noMask;
    private final long[] config;

    private ScriptedDecodeStep(PtSymbolBlock program, IValue tables, IValue norms, IValue weights, IValue biases,
            IValue packed, IValue packedHead, PtSymbolBlock packedLinear, IValue eps, IValue noMask, long[] config) {
        this.program = program;
        this.tables = tables;
        this.norms = norms;
        this.weights = weights;
        this.biases = biases;
        this.packed = packed;
        this.packedHead = packedHead;
        this.packedLinear = packedLinear;
        this.eps = eps;
        this.noMask = noMask;
        this.config = config;
    }

    /**
     * The scripted step for the decoder's current layers, or {@code null} when they cannot run scripted: an engine
     * other than PyTorch, a projection replaced by an adapter, or a program that libtorch cannot load (logged).
     *
     * @param lmHead the lm_head weight {@code [vocab, hidden]}, packed with the others
     * @param pack also keep the projection and lm_head weights in oneDNN's layout for steps of several rows (fp32 on
     *     the CPU only; elsewhere, or when the copies cannot be made (logged), the step runs without them)
     */
    static ScriptedDecodeStep create(ProgramSource source, NDManager manager, List<LlamaDecoder.Layer> layers,
            NDArray finalNorm, NDArray lmHead, NDArray[] ropeTables, Activation act, int heads, int kvHeads,
            int headDim, long intermediate, double eps, boolean pack) {
        if (!(manager instanceof PtNDManager pt) || !(finalNorm instanceof PtNDArray)) {
            return null;
        }
        List<PtNDArray> norms = new ArrayList<>();
        List<PtNDArray> weights = new ArrayList<>();
        List<PtNDArray> biases = new ArrayList<>();
        NDArray none = manager.create(new float[0]).toType(finalNorm.getDataType(), false);
        for (LlamaDecoder.Layer l : layers) {
            if (l.qkv == null || l.gateUp == null
                    || !(l.projection(LlamaDecoder.Projection.O) instanceof DenseLinear o)
                    || !(l.projection(LlamaDecoder.Projection.DOWN) instanceof DenseLinear down)) {
                none.close();
                return null;
            }
            norms.add((PtNDArray) l.inputNorm);
            norms.add((PtNDArray) l.postAttentionNorm);
            for (DenseLinear d : new DenseLinear[] {l.qkv.fused(), o, l.gateUp.fused(), down}) {
                weights.add((PtNDArray) d.weight());
                biases.add((PtNDArray) (d.bias() == null ? none : d.bias()));
            }
        }
        norms.add((PtNDArray) finalNorm);
        // the NDArray path computes the same numbers, only slower: worth a warning, not a failure
        PtSymbolBlock program = load(source, pt, RESOURCE, "scripted decode step unavailable, using the NDArray path");
        if (program == null) {
            none.close();
            return null;
        }
        IValue weightList = IValue.listFrom(weights.toArray(PtNDArray[]::new));
        IValue packedList = null;
        IValue packedHead = null;
        PtSymbolBlock packedLinear = null;
        if (pack && Device.Type.CPU.equals(finalNorm.getDevice().getDeviceType())
                && finalNorm.getDataType() == DataType.FLOAT32 && lmHead instanceof PtNDArray head) {
            String unpacked = "oneDNN weight packing unavailable, several rows use the plain weights";
            PtSymbolBlock packer = load(source, pt, PACK_RESOURCE, unpacked);
            packedLinear = packer == null ? null : load(source, pt, PACKED_LINEAR_RESOURCE, unpacked);
            if (packedLinear != null) {
                try (IValue headList = IValue.listFrom(head)) {
                    packedList = pack(packer, weightList);
                    packedHead = packedList == null ? null : pack(packer, headList);
                }
            }
            close(packer);
            if (packedHead == null) {
                close(packedList, packedLinear);
                packedList = null;
                packedLinear = null;
            }
        }
        if (packedList == null) {
            packedList = IValue.listFrom((PtNDArray) none); // fewer tensors than weights: the program packs none
        }
        IValue tableList = IValue.listFrom((PtNDArray) ropeTables[0], (PtNDArray) ropeTables[1],
                (PtNDArray) ropeTables[2]);
        ScriptedDecodeStep step = new ScriptedDecodeStep(program, tableList,
                IValue.listFrom(norms.toArray(PtNDArray[]::new)), weightList,
                IValue.listFrom(biases.toArray(PtNDArray[]::new)), packedList, packedHead, packedLinear,
                IValue.from(eps), IValue.from((PtNDArray) none),
                new long[] {0, heads, kvHeads, headDim, intermediate, activationCode(act)});
        none.close(); // the IValues hold their own references to the empty tensor
        return step;
    }

    /** The weights reordered by oneDNN ({@code pack_linear_weights.pt}), or {@code null} when that fails (logged). */
    private static IValue pack(PtSymbolBlock packer, IValue weightList) {
        try {
            return packer.forward(weightList);
        } catch (RuntimeException e) {
            LOG.warn("oneDNN weight packing failed, several rows use the plain weights: {}", e.toString());
            return null;
        }
    }

    /** Program {@code name} from {@code source} in inference mode, or {@code null} when it cannot load (logged). */
    private static PtSymbolBlock load(ProgramSource source, PtNDManager manager, String name, String unavailable) {
        PtSymbolBlock program = null;
        try (InputStream in = source.open(name)) {
            if (in == null) {
                throw new IOException("program " + name + " not found");
            }
            program = JniUtils.loadModule(manager, in, false, false);
            JniUtils.enableInferenceMode(program);
            return program;
        } catch (IOException | RuntimeException e) {
            close(program);
            LOG.warn("{}: {}", unavailable, e.toString());
            return null;
        }
    }

    private static void close(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r != null) {
                try {
                    r.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /**
     * Logits of several rows {@code [B, hidden]} through the packed lm_head, attached to {@code hidden}'s manager; only
     * when {@link #packed()}.
     */
    NDArray packedLogits(NDArray hidden) {
        try (IValue x = IValue.from((PtNDArray) hidden); IValue out = packedLinear.forward(x, packedHead)) {
            return out.toTensor((PtNDManager) hidden.getManager());
        }
    }

    /** Whether steps of several rows use weights packed by oneDNN. */
    boolean packed() {
        return packedHead != null;
    }

    /** The program's code for an activation (see {@code _act} in make_decode_step.py). */
    private static long activationCode(Activation act) {
        return switch (act) {
            case SILU -> 0;
            case GELU -> 1;
            case GELU_PYTORCH_TANH -> 2;
            case QUICK_GELU -> 3;
            case RELU -> 4;
        };
    }

    /**
     * Runs the step and writes the new keys and values into {@code cache} at its current length (the caller
     * advances it).
     *
     * @param x {@code [B, 1, hidden]} input embeddings
     * @param positions {@code [B, 1]} int64 rotary positions
     * @param mask additive mask {@code [B, 1, 1, 1, S]} over the cache's positions including the new one, or
     *     {@code null}
     * @return {@code [B, 1, hidden]} hidden states after the final norm, attached to {@code x}'s manager
     */
    NDArray run(NDArray x, NDArray positions, NDArray mask, KvCache cache) {
        IValue[] kv = cache.scriptedLists();
        long[] cfg = config.clone();
        cfg[0] = cache.length();
        IValue xv = IValue.from((PtNDArray) x);
        IValue pv = IValue.from((PtNDArray) positions);
        IValue mv = mask == null ? null : IValue.from((PtNDArray) mask);
        IValue cv = IValue.listFrom(cfg);
        IValue out = program.forward(xv, pv, mv == null ? noMask : mv, tables, norms, weights, biases, packed, kv[0],
                kv[1], cv, eps);
        try {
            return out.toTensor((PtNDManager) x.getManager());
        } finally {
            out.close();
            xv.close();
            pv.close();
            cv.close();
            if (mv != null) {
                mv.close();
            }
        }
    }

    @Override
    public void close() {
        tables.close();
        norms.close();
        weights.close();
        biases.close();
        packed.close();
        close(packedHead, packedLinear);
        eps.close();
        noMask.close();
        program.close();
    }
}
