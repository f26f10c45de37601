package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.pytorch.jni.JniUtils;
import io.unimllm.core.config.TextConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A Llama-style decoder (Llama, Qwen2): token embeddings, pre-norm layers of RMSNorm + rotary GQA attention (q/k/v
 * and o_proj biases as {@link TextConfig#qkvBias()} and {@link TextConfig#outputBias()} say) + SwiGLU MLP, a final
 * RMSNorm, and an lm_head that may be tied to the embeddings. How it lays out its work is its {@link DecoderPlan},
 * fixed at load.
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
    private final DecoderPlan plan;
    /** Made on the first decode step that can use it; null before, or when the layers cannot run scripted. */
    private ScriptedDecodeStep scripted;
    private ScriptedDecodeStep.ProgramSource programSource = ScriptedDecodeStep.BUNDLED;
    private boolean scriptedTried;

    /** The projections of a decoder layer, by their Hugging Face names relative to {@code layers.N.}. */
    public enum Projection {
        /** The attention's query projection. */
        Q("self_attn.q_proj"),
        /** The attention's key projection. */
        K("self_attn.k_proj"),
        /** The attention's value projection. */
        V("self_attn.v_proj"),
        /** The attention's output projection. */
        O("self_attn.o_proj"),
        /** The MLP's gate projection. */
        GATE("mlp.gate_proj"),
        /** The MLP's up projection. */
        UP("mlp.up_proj"),
        /** The MLP's down projection. */
        DOWN("mlp.down_proj");

        private final String hfName;

        Projection(String hfName) {
            this.hfName = hfName;
        }

        /**
         * The weight name of this projection inside a layer.
         *
         * @return the name relative to {@code layers.N.}, e.g. {@code self_attn.q_proj}
         */
        public String hfName() {
            return hfName;
        }

        /** Whether this projection is part of the stacked q/k/v product. */
        boolean inQkv() {
            return this == Q || this == K || this == V;
        }

        /** Whether this projection is part of the stacked gate/up product. */
        boolean inGateUp() {
            return this == GATE || this == UP;
        }

        /**
         * The projection of a Hugging Face name.
         *
         * @param hfName the name relative to {@code layers.N.}
         * @return the projection
         * @throws IllegalArgumentException naming the known projections when {@code hfName} is none of them
         */
        public static Projection byHfName(String hfName) {
            for (Projection p : values()) {
                if (p.hfName.equals(hfName)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown projection '" + hfName + "', expected one of "
                    + java.util.Arrays.stream(values()).map(Projection::hfName).toList());
        }
    }

    /** The weights of one decoder layer; the projections may be replaced, for example by LoRA adapters. */
    public static final class Layer {
        final NDArray inputNorm;
        final NDArray postAttentionNorm;
        private final java.util.EnumMap<Projection, Linear> projections;
        /** q, k, v stacked as one layer whose parts are Q, K, V; null once one of them is replaced. */
        FusedLinear qkv;
        /** gate, up stacked as one layer whose parts are GATE, UP; null once one of them is replaced. */
        FusedLinear gateUp;

        Layer(NDArray inputNorm, NDArray postAttentionNorm, java.util.EnumMap<Projection, Linear> projections,
                FusedLinear qkv, FusedLinear gateUp) {
            this.inputNorm = inputNorm;
            this.postAttentionNorm = postAttentionNorm;
            this.projections = projections;
            this.qkv = qkv;
            this.gateUp = gateUp;
        }

        /** This layer as it is now, over the same arrays; replacing a projection of either leaves the other. */
        Layer copy() {
            return new Layer(inputNorm, postAttentionNorm, new java.util.EnumMap<>(projections), qkv, gateUp);
        }

        /**
         * One projection of this layer, as it is now (an adapter once replaced).
         *
         * @param p which projection
         * @return its linear layer
         */
        public Linear projection(Projection p) {
            return projections.get(p);
        }
    }

    /**
     * Loads the decoder.
     *
     * @param cfg the decoder's configuration
     * @param w the loader reading the checkpoint
     * @param manager the model-lifetime manager, which owns the rotary tables and the scripted step
     * @param prefix the prefix of the decoder body, e.g. {@code "language_model.model."} or {@code "model."}
     * @param lmHeadName the lm_head weight's name, or {@code null} when tied to the embeddings
     * @param plan how the decoder lays out its work
     * @throws io.unimllm.core.CheckpointException when a weight is missing or of another shape than {@code cfg}
     *     implies, or there is no lm_head and {@code tie_word_embeddings} is not set
     * @throws io.unimllm.protocol.UnimllmException when {@code cfg} names an activation this runtime lacks
     */
    public LlamaDecoder(TextConfig cfg, WeightLoader w, NDManager manager, String prefix, String lmHeadName,
            DecoderPlan plan) {
        this.cfg = cfg;
        this.manager = manager;
        this.plan = java.util.Objects.requireNonNull(plan, "plan");
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
            FusedLinear qkv = w.fusedLinear(new String[] {l + Projection.Q.hfName(), l + Projection.K.hfName(),
                l + Projection.V.hfName()}, new long[] {qDim, kvDim, kvDim}, h, cfg.qkvBias());
            Linear o = w.linear(l + Projection.O.hfName(), h, qDim, cfg.outputBias());
            NDArray postNorm = w.load(l + "post_attention_layernorm.weight", h);
            FusedLinear gateUp = w.fusedLinear(new String[] {l + Projection.GATE.hfName(), l + Projection.UP.hfName()},
                    new long[] {ff, ff}, h, cfg.mlpBias());
            Linear down = w.linear(l + Projection.DOWN.hfName(), h, ff, cfg.mlpBias());
            java.util.EnumMap<Projection, Linear> proj = new java.util.EnumMap<>(Projection.class);
            proj.put(Projection.Q, qkv.parts()[0]);
            proj.put(Projection.K, qkv.parts()[1]);
            proj.put(Projection.V, qkv.parts()[2]);
            proj.put(Projection.O, o);
            proj.put(Projection.GATE, gateUp.parts()[0]);
            proj.put(Projection.UP, gateUp.parts()[1]);
            proj.put(Projection.DOWN, down);
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

    private LlamaDecoder(LlamaDecoder src, DecoderPlan plan) {
        this.cfg = src.cfg;
        this.manager = src.manager;
        this.plan = java.util.Objects.requireNonNull(plan, "plan");
        this.headDim = src.headDim;
        this.kvHeads = src.kvHeads;
        this.groups = src.groups;
        this.act = src.act;
        this.embedTokens = src.embedTokens;
        this.layers = new ArrayList<>();
        for (Layer l : src.layers) {
            layers.add(l.copy());
        }
        this.finalNorm = src.finalNorm;
        this.lmHead = src.lmHead;
        this.rope = src.rope;
        this.programSource = src.programSource;
    }

    /**
     * A decoder over the same arrays that lays out its work by another plan: in-place changes of the weights are seen
     * by both; projections replaced afterwards on one are not seen by the other.
     *
     * @param plan the other plan
     * @return the second decoder; release it ({@link #releaseScripted()}) before the weights are freed
     */
    LlamaDecoder withPlan(DecoderPlan plan) {
        return new LlamaDecoder(this, plan);
    }

    /**
     * Token embeddings.
     *
     * @param ids {@code [B, T]} int64 token ids
     * @return {@code [B, T, hidden]} embeddings
     */
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
            if (plan.stackedProjections() && l.gateUp != null) {
                NDList gu = project(l.gateUp.fused(), y, row).split(new long[] {cfg.intermediateSize()}, row ? 0 : 2);
                gate = gu.get(0);
                up = gu.get(1);
            } else {
                gate = project(l.projection(Projection.GATE), y, row);
                up = project(l.projection(Projection.UP), y, row);
            }
            x = x.add(project(l.projection(Projection.DOWN), act.apply(gate).mul(up), row));
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
                    cfg.rmsNormEps(), plan.packedWeights());
        }
        return scripted;
    }

    /** Whether a decode step with the KV cache would run scripted now (with gradients off). */
    boolean decodesScripted() {
        return plan.scriptedDecode() && scriptedStep() != null;
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
        if (plan.stackedProjections() && l.qkv != null) {
            // one product for q, k, v; q and k heads rotated together as [B, T, heads + kvHeads, D]
            NDList qkv = project(l.qkv.fused(), x, row).split(new long[] {(heads + kvHeads) * headDim}, row ? 0 : 2);
            NDList qk = rope.rotate(qkv.get(0).reshape(b, t, heads + kvHeads, headDim), cos, sin)
                    .split(new long[] {heads}, 2);
            q = qk.get(0);
            k = qk.get(1);
            v = qkv.get(1);
        } else {
            q = rope.rotate(project(l.projection(Projection.Q), x, row).reshape(b, t, heads, headDim), cos, sin);
            k = rope.rotate(project(l.projection(Projection.K), x, row).reshape(b, t, kvHeads, headDim), cos, sin);
            v = project(l.projection(Projection.V), x, row);
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
        return project(l.projection(Projection.O), row ? ctx.reshape(heads * headDim) : ctx.reshape(b, t, heads * headDim), row);
    }

    /**
     * Vocabulary logits of hidden states {@code [..., hidden]}; several rows {@code [B, hidden]} go through the packed
     * lm_head when the plan packs weights ({@link DecoderPlan#packedWeights()}), the packed copies could be made and
     * no gradients are being recorded.
     *
     * @param hidden hidden states, last axis {@code hidden}
     * @return logits, last axis {@code vocab}
     */
    public NDArray logits(NDArray hidden) {
        if (plan.packedWeights() && hidden.getShape().dimension() == 2 && hidden.getShape().get(0) > 1
                && !JniUtils.isGradMode() && decodesPacked()) {
            return scripted.packedLogits(hidden);
        }
        return lmHead.apply(hidden);
    }

    /**
     * The decoder's configuration.
     *
     * @return the text config read from config.json
     */
    public TextConfig config() {
        return cfg;
    }

    /**
     * The decoder layers, for adapters that replace projections.
     *
     * @return the layers in order
     */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * Replaces one projection of one layer; used by training to insert adapters. A replaced q/k/v (gate/up)
     * projection ends that layer's stacked product, and the scripted decode step is made again without it.
     *
     * @param i the layer index
     * @param projection the projection's Hugging Face name relative to the layer ({@link Projection#hfName()})
     * @param wrap makes the replacement from the current projection
     * @throws IllegalArgumentException for an unknown projection name
     */
    public void replaceProjection(int i, String projection, java.util.function.UnaryOperator<Linear> wrap) {
        Projection p = Projection.byHfName(projection);
        Layer l = layers.get(i);
        l.projections.put(p, wrap.apply(l.projections.get(p)));
        releaseScripted();
        if (p.inQkv()) {
            l.qkv = null;
        } else if (p.inGateUp()) {
            l.gateUp = null;
        }
    }

    /**
     * How this decoder lays out its work, fixed at load.
     *
     * @return the plan
     */
    public DecoderPlan plan() {
        return plan;
    }

    /**
     * Prepares the scripted decode step now (loads the program; packs the weights when the plan packs them) instead
     * of at the next decode step, e.g. before timing one. Does nothing when the plan has no scripted step.
     */
    public void prepareScriptedDecode() {
        if (plan.scriptedDecode()) {
            scriptedStep();
        }
    }

    /** Whether a scripted decode step (and the logits) of several rows would use packed weights now. */
    boolean decodesPacked() {
        return decodesScripted() && scripted.packed();
    }

    /**
     * Head size of the attention.
     *
     * @return the size of one attention head
     */
    public int headDim() {
        return headDim;
    }
}
