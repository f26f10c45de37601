package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.core.Embedding;
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

    /** The weights of one decoder layer; the linear layers may be replaced, for example by LoRA adapters. */
    public static final class Layer {
        final NDArray inputNorm;
        final NDArray postAttentionNorm;
        /** Projections in the order q, k, v, o, gate, up, down. */
        final Linear[] proj;

        Layer(NDArray inputNorm, NDArray postAttentionNorm, Linear[] proj) {
            this.inputNorm = inputNorm;
            this.postAttentionNorm = postAttentionNorm;
            this.proj = proj;
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
        long[][] shapes = {{qDim, h}, {kvDim, h}, {kvDim, h}, {h, qDim}, {ff, h}, {ff, h}, {h, ff}};
        for (int i = 0; i < cfg.numHiddenLayers(); i++) {
            String l = prefix + "layers." + i + ".";
            Linear[] proj = new Linear[PROJECTIONS.length];
            for (int j = 0; j < proj.length; j++) {
                boolean bias = j < 4 ? cfg.attentionBias() : cfg.mlpBias();
                proj[j] = w.linear(l + PROJECTIONS[j], shapes[j][0], shapes[j][1], bias);
            }
            layers.add(new Layer(w.load(l + "input_layernorm.weight", h),
                    w.load(l + "post_attention_layernorm.weight", h), proj));
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
        NDArray[] cs = rope.cosSin(positions);
        // broadcast shapes for q [B, kvH, g, T, D] and k [B, kvH, T, D], made once per pass instead of per layer
        NDArray cos4 = cs[0].expandDims(1);
        NDArray sin4 = cs[1].expandDims(1);
        NDArray[] cosSin = {cos4.expandDims(1), sin4.expandDims(1), cos4, sin4};
        NDArray x = inputs;
        float eps = (float) cfg.rmsNormEps();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            NDArray y = Norms.rmsNorm(x, l.inputNorm, eps);
            x = x.add(attention(i, l, y, cosSin, mask, cache));
            y = Norms.rmsNorm(x, l.postAttentionNorm, eps);
            x = x.add(l.proj[6].apply(act.apply(l.proj[4].apply(y)).mul(l.proj[5].apply(y))));
        }
        if (cache != null) {
            cache.advance((int) inputs.getShape().get(1));
        }
        return Norms.rmsNorm(x, finalNorm, eps);
    }

    private NDArray attention(int index, Layer l, NDArray x, NDArray[] cosSin, NDArray mask, KvCache cache) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        // q: [B, kvHeads, groups, T, D]; head h = kv * groups + g, as transformers' repeat_kv orders them.
        NDArray q = l.proj[0].apply(x).reshape(b, t, kvHeads, groups, headDim).transpose(0, 2, 3, 1, 4);
        NDArray k = l.proj[1].apply(x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3);
        NDArray v = l.proj[2].apply(x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3);
        q = rope.rotate(q, cosSin[0], cosSin[1]);
        k = rope.rotate(k, cosSin[2], cosSin[3]);
        if (cache != null) {
            NDArray[] kv = cache.append(index, k, v);
            k = kv[0];
            v = kv[1];
        }
        NDArray scores = q.matMul(k.expandDims(2).transpose(0, 1, 2, 4, 3)).mul((float) (1.0 / Math.sqrt(headDim)));
        if (mask != null) {
            scores = scores.add(mask);
        }
        DataType dt = scores.getDataType();
        NDArray probs = dt == DataType.FLOAT32 ? scores.softmax(-1)
                : scores.toType(DataType.FLOAT32, false).softmax(-1).toType(dt, false);
        NDArray ctx = probs.matMul(v.expandDims(2)).transpose(0, 3, 1, 2, 4)
                .reshape(b, t, (long) kvHeads * groups * headDim);
        return l.proj[3].apply(ctx);
    }

    /** Vocabulary logits of hidden states {@code [..., hidden]}. */
    public NDArray logits(NDArray hidden) {
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
    }

    /** Head size of the attention. */
    public int headDim() {
        return headDim;
    }
}
