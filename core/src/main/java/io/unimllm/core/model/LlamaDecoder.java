package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Embedding;
import ai.djl.pytorch.jni.JniUtils;
import io.unimllm.core.config.TextConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A Llama-style decoder: token embeddings, pre-norm layers of RMSNorm + rotary GQA attention + SwiGLU MLP, a final
 * RMSNorm, and an lm_head that may be tied to the embeddings.
 */
public final class LlamaDecoder {
    private final TextConfig cfg;
    private final NDArray embedTokens;
    private final List<Layer> layers;
    private final NDArray finalNorm;
    private final Linear lmHead;
    private final Activation act;
    private final RotaryEmbedding rope;
    private final int headDim;
    private final int kvHeads;
    private final int groups;
    private final NDManager manager;
    private boolean fusedProjections = true;
    private boolean scriptedDecode = true;
    private boolean packWeights;
    /** Made on the first decode step that can use it; null before, or when the layers cannot run scripted. */
    private ScriptedDecodeStep scripted;
    private ScriptedDecodeStep.ProgramSource programSource = ScriptedDecodeStep.BUNDLED;
    private boolean scriptedTried;

    /** The weights of one decoder layer; the linear layers may be replaced, for example by LoRA adapters. */
    public static final class Layer {
        final NDArray inputNorm;
        final NDArray postAttentionNorm;
        /** Projections in the order q, k, v, o, gate, up, down. */
        final Linear[] proj;
        /** q, k, v stacked as one layer whose parts are {@code proj[0..2]}; null once one of them is replaced. */
        FusedLinear qkv;
        /** gate, up stacked as one layer whose parts are {@code proj[4..5]}; null once one of them is replaced. */
        FusedLinear gateUp;

        Layer(NDArray inputNorm, NDArray postAttentionNorm, Linear[] proj, FusedLinear qkv, FusedLinear gateUp) {
            this.inputNorm = inputNorm;
            this.postAttentionNorm = postAttentionNorm;
            this.proj = proj;
            this.qkv = qkv;
            this.gateUp = gateUp;
        }
    }

    /** Hugging Face names of a layer's projections, relative to {@code layers.N.}. */
    static final String[] PROJECTIONS = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
        "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};

    /**
     * Loads the decoder.
     *
     * @param prefix the prefix of the decoder body, e.g. {@code "language_model.model."} or {@code "model."}
     * @param lmHeadName the lm_head weight's name, or {@code null} when tied to the embeddings
     */
    public LlamaDecoder(TextConfig cfg, WeightLoader w, NDManager manager, String prefix, String lmHeadName) {
        this.cfg = cfg;
        this.manager = manager;
        this.headDim = cfg.headDim();
        this.kvHeads = cfg.numKeyValueHeads();
        this.groups = cfg.numAttentionHeads() / kvHeads;
        this.act = Activation.byName(cfg.hiddenAct());
        long h = cfg.hiddenSize();
        long qDim = (long) cfg.numAttentionHeads() * headDim;
        long kvDim = (long) kvHeads * headDim;
        long ff = cfg.intermediateSize();
        embedTokens = w.load(prefix + "embed_tokens.weight", cfg.vocabSize(), h);
        layers = new ArrayList<>();
        for (int i = 0; i < cfg.numHiddenLayers(); i++) {
            String l = prefix + "layers." + i + ".";
            NDArray inputNorm = w.load(l + "input_layernorm.weight", h);
            // q/k/v and gate/up read the same input: stored stacked, each one a view (see FusedLinear)
            FusedLinear qkv = w.fusedLinear(new String[] {l + PROJECTIONS[0], l + PROJECTIONS[1], l + PROJECTIONS[2]},
                    new long[] {qDim, kvDim, kvDim}, h, cfg.attentionBias());
            Linear o = w.linear(l + PROJECTIONS[3], h, qDim, cfg.attentionBias());
            NDArray postNorm = w.load(l + "post_attention_layernorm.weight", h);
            FusedLinear gateUp = w.fusedLinear(new String[] {l + PROJECTIONS[4], l + PROJECTIONS[5]},
                    new long[] {ff, ff}, h, cfg.mlpBias());
            Linear down = w.linear(l + PROJECTIONS[6], h, ff, cfg.mlpBias());
            Linear[] proj = {qkv.parts()[0], qkv.parts()[1], qkv.parts()[2], o, gateUp.parts()[0],
                gateUp.parts()[1], down};
            layers.add(new Layer(inputNorm, postNorm, proj, qkv, gateUp));
        }
        finalNorm = w.load(prefix + "norm.weight", h);
        if (lmHeadName == null && !cfg.tieWordEmbeddings()) {
            throw new io.unimllm.core.CheckpointException("checkpoint has no lm_head weight and config.json does not "
                    + "set tie_word_embeddings", null, prefix + "lm_head");
        }
        lmHead = lmHeadName == null ? new DenseLinear(embedTokens, null)
                : w.linear(lmHeadName.substring(0, lmHeadName.length() - ".weight".length()), cfg.vocabSize(), h, false);
        rope = new RotaryEmbedding(manager, headDim, cfg.maxPositionEmbeddings(), cfg.ropeTheta(), w.dtype());
    }

    /** Token embeddings of {@code ids} ({@code [B, T]} int64) as {@code [B, T, hidden]}. */
    public NDArray embed(NDArray ids) {
        return Embedding.embedding(ids, embedTokens, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * Runs the decoder layers and the final norm.
     *
     * @param inputs {@code [B, T, hidden]} input embeddings
     * @param positions {@code [B, T]} int64 rotary positions
     * @param mask additive attention mask {@code [B, 1, 1, T, S]} (S = cached + T) or {@code null} for none
     * @param cache the KV cache to read and extend, or {@code null} to attend within {@code inputs} only (then a
     *     causal mask must be given when T > 1)
     * @return {@code [B, T, hidden]} last-layer hidden states after the final norm
     */
    public NDArray forward(NDArray inputs, NDArray positions, NDArray mask, KvCache cache) {
        if (cache != null && inputs.getShape().get(1) == 1 && decodesScripted() && !JniUtils.isGradMode()) {
            NDArray out = scripted.run(inputs, positions, mask, cache);
            cache.advance(1);
            return out;
        }
        NDArray[] cs = rope.cosSin(positions);
        // [B, T, 1, D]: broadcast over the heads of q and k laid out as [B, T, heads, D], made once per pass
        NDArray cos = cs[0].expandDims(2);
        NDArray sin = cs[1].expandDims(2);
        Shape shape = inputs.getShape();
        // One row (batch-1 decode): every projection is a matrix-vector product on a [hidden] vector, which
        // libtorch runs faster than a one-row matrix product, and the residual stream stays 1-d.
        boolean row = shape.get(0) * shape.get(1) == 1;
        NDArray x = row ? inputs.reshape(cfg.hiddenSize()) : inputs;
        float eps = (float) cfg.rmsNormEps();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            NDArray y = Norms.rmsNorm(x, l.inputNorm, eps);
            x = x.add(attention(i, l, y, shape, row, cos, sin, mask, cache));
            y = Norms.rmsNorm(x, l.postAttentionNorm, eps);
            NDArray gate;
            NDArray up;
            if (fusedProjections && l.gateUp != null) {
                NDList gu = project(l.gateUp.fused(), y, row).split(new long[] {cfg.intermediateSize()}, row ? 0 : 2);
                gate = gu.get(0);
                up = gu.get(1);
            } else {
                gate = project(l.proj[4], y, row);
                up = project(l.proj[5], y, row);
            }
            x = x.add(project(l.proj[6], act.apply(gate).mul(up), row));
        }
        if (cache != null) {
            cache.advance((int) shape.get(1));
        }
        NDArray out = Norms.rmsNorm(x, finalNorm, eps);
        return row ? out.reshape(shape) : out;
    }

    private ScriptedDecodeStep scriptedStep() {
        if (!scriptedTried) {
            scriptedTried = true;
            scripted = ScriptedDecodeStep.create(programSource, manager, layers, finalNorm, lmHead.weight(),
                    rope.tables(), act, cfg.numAttentionHeads(), kvHeads, headDim, cfg.intermediateSize(),
                    cfg.rmsNormEps(), packWeights);
        }
        return scripted;
    }

    /** Whether a decode step with the KV cache would run scripted now (with gradients off). */
    boolean decodesScripted() {
        return scriptedDecode && fusedProjections && scriptedStep() != null;
    }

    /** Loads the scripted step's program from {@code source} from now on (tests give it a broken one). */
    void programSource(ScriptedDecodeStep.ProgramSource source) {
        releaseScripted();
        programSource = source;
    }

    /** Drops the scripted step; the next decode step makes it again from the layers as they are then. */
    void releaseScripted() {
        if (scripted != null) {
            scripted.close();
            scripted = null;
        }
        scriptedTried = false;
    }

    private static NDArray project(Linear linear, NDArray x, boolean row) {
        return row ? linear.applyRow(x) : linear.apply(x);
    }

    private NDArray attention(int index, Layer l, NDArray x, Shape shape, boolean row, NDArray cos, NDArray sin,
            NDArray mask, KvCache cache) {
        long b = shape.get(0);
        long t = shape.get(1);
        long heads = (long) kvHeads * groups;
        NDArray q;
        NDArray k;
        NDArray v;
        if (fusedProjections && l.qkv != null) {
            // one product for q, k, v; q and k heads rotated together as [B, T, heads + kvHeads, D]
            NDList qkv = project(l.qkv.fused(), x, row).split(new long[] {(heads + kvHeads) * headDim}, row ? 0 : 2);
            NDList qk = rope.rotate(qkv.get(0).reshape(b, t, heads + kvHeads, headDim), cos, sin)
                    .split(new long[] {heads}, 2);
            q = qk.get(0);
            k = qk.get(1);
            v = qkv.get(1);
        } else {
            q = rope.rotate(project(l.proj[0], x, row).reshape(b, t, heads, headDim), cos, sin);
            k = rope.rotate(project(l.proj[1], x, row).reshape(b, t, kvHeads, headDim), cos, sin);
            v = project(l.proj[2], x, row);
        }
        // q: [B, kvHeads, groups * T, D]; head h = kv * groups + g, as transformers' repeat_kv orders them. The
        // groups of a KV head share one batched product with its keys (rows g * T + t), so libtorch's matmul reads
        // the cached keys and values in place instead of broadcasting (copying) them once per group.
        q = q.reshape(b, t, kvHeads, groups, headDim).transpose(0, 2, 3, 1, 4)
                .reshape(b, kvHeads, groups * t, headDim);
        // keys and values time-major, [T, B, kvHeads, D], as the cache stores them
        k = k.transpose(1, 0, 2, 3);
        v = v.reshape(b, t, kvHeads, headDim).transpose(1, 0, 2, 3);
        if (cache != null) {
            NDArray[] kv = cache.append(index, k, v);
            k = kv[0];
            v = kv[1];
        }
        long s = k.getShape().get(0);
        // k: [S, B, kvH, D] -> [B, kvH, D, S]; v: -> [B, kvH, S, D]
        NDArray scores = q.matMul(k.transpose(1, 2, 3, 0)).mul((float) (1.0 / Math.sqrt(headDim)));
        if (mask != null) {
            // the mask [B, 1, 1, T, S] broadcasts over KV heads and groups
            scores = scores.reshape(b, kvHeads, groups, t, s).add(mask).reshape(b, kvHeads, groups * t, s);
        }
        DataType dt = scores.getDataType();
        NDArray probs = dt == DataType.FLOAT32 ? scores.softmax(-1)
                : Casts.to(Casts.to(scores, DataType.FLOAT32).softmax(-1), dt);
        // [B, kvH, groups * T, D] -> [B, T, kvH, groups, D]
        NDArray ctx = probs.matMul(v.transpose(1, 2, 0, 3)).reshape(b, kvHeads, groups, t, headDim)
                .transpose(0, 3, 1, 2, 4);
        return project(l.proj[3], row ? ctx.reshape(heads * headDim) : ctx.reshape(b, t, heads * headDim), row);
    }

    /**
     * Vocabulary logits of hidden states {@code [..., hidden]}; several rows {@code [B, hidden]} go through the packed
     * lm_head when the decode step packed its weights ({@link #packWeightsForBatches}).
     */
    public NDArray logits(NDArray hidden) {
        if (packWeights && hidden.getShape().dimension() == 2 && hidden.getShape().get(0) > 1
                && !JniUtils.isGradMode() && decodesPacked()) {
            return scripted.packedLogits(hidden);
        }
        return lmHead.apply(hidden);
    }

    /** The decoder's configuration. */
    public TextConfig config() {
        return cfg;
    }

    /** The decoder layers, for adapters that replace projections. */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * Replaces projection {@code j} (see {@link #PROJECTIONS}) of layer {@code i}; used by training to insert
     * adapters.
     */
    public void replaceProjection(int i, String projection, java.util.function.UnaryOperator<Linear> wrap) {
        int j = java.util.Arrays.asList(PROJECTIONS).indexOf(projection);
        if (j < 0) {
            throw new IllegalArgumentException("unknown projection '" + projection + "', expected one of "
                    + java.util.Arrays.toString(PROJECTIONS));
        }
        Layer l = layers.get(i);
        l.proj[j] = wrap.apply(l.proj[j]);
        releaseScripted();
        if (j <= 2) {
            l.qkv = null;
        } else if (j == 4 || j == 5) {
            l.gateUp = null;
        }
    }

    /**
     * Chooses between the stacked q/k/v and gate/up products (the default: fewer, larger matrix-vector products) and
     * one product per projection. Both give the same numbers; training switches the stacked ones off, because
     * gradients must reach each projection's own weight, which the stacked product does not read.
     */
    public void useFusedProjections(boolean fused) {
        this.fusedProjections = fused;
    }

    /**
     * Chooses how a decode step with the KV cache (one new position per row) runs: as one call of a TorchScript
     * program inside libtorch (the default, see {@link ScriptedDecodeStep}), or operation by operation from Java like
     * every other forward pass. Both compute the same numbers; the scripted step saves the cost of crossing from
     * Java into libtorch some fifty times per layer. It is used only with the stacked projections on, no projection
     * replaced, and gradients off; otherwise the step falls back to the operation-by-operation path.
     */
    public void useScriptedDecode(boolean on) {
        this.scriptedDecode = on;
    }

    /**
     * Keeps a second copy of the projection and lm_head weights in oneDNN's blocked layout, for scripted decode steps
     * of several rows and their logits (fp32 on the CPU only; off by default). On the machine of docs/performance.md
     * oneDNN's 8-row product streams those weights 10-30% faster than MKL's sgemm on the plain layout, and batch-8
     * decoding gains 6-14%; single rows keep the plain weights, whose matrix-vector product is faster still. The
     * price is memory: those weights are held twice. The copies are made once, when the next decode step needs them
     * ({@link #prepareScriptedDecode} makes them at once): <b>weights changed in place afterwards are not seen</b> by
     * steps of several rows, so the {@code Trainer} refuses a decoder with this on; switch it off and on again after
     * changing weights by other means.
     */
    public void packWeightsForBatches(boolean on) {
        if (on != packWeights) {
            this.packWeights = on;
            releaseScripted();
        }
    }

    /**
     * Prepares the scripted decode step now (loads the program; packs the weights when {@link #packWeightsForBatches}
     * is on) instead of at the next decode step, e.g. before timing one. Does nothing when decode steps do not run
     * scripted.
     */
    public void prepareScriptedDecode() {
        if (scriptedDecode && fusedProjections) {
            scriptedStep();
        }
    }

    /** Whether {@link #packWeightsForBatches} is on. */
    public boolean packsWeightsForBatches() {
        return packWeights;
    }

    /** Whether a scripted decode step (and the logits) of several rows would use packed weights now. */
    boolean decodesPacked() {
        return decodesScripted() && scripted.packed();
    }

    /** Head size of the attention. */
    public int headDim() {
        return headDim;
    }
}
