package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.unimllm.core.config.VisionConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A CLIP-style ViT ({@code vision_tower.vision_model.*}): patch embedding without bias, a class token, learned
 * position embeddings, pre-LayerNorm, and pre-LN encoder layers with bias-carrying attention and an MLP.
 */
public final class ClipVisionTower {
    private final VisionConfig cfg;
    private final NDArray classEmbedding;
    private final NDArray patchWeight;
    private final NDArray positionEmbedding;
    private final NDArray preNormWeight;
    private final NDArray preNormBias;
    private final List<EncoderLayer> layers;
    private final Activation act;

    private record EncoderLayer(NDArray ln1w, NDArray ln1b, Linear q, Linear k, Linear v, Linear out, NDArray ln2w,
            NDArray ln2b, Linear fc1, Linear fc2) {}

    /**
     * Loads the tower's weights. Only the layers up to the one the projector reads are loaded.
     *
     * @param cfg the vision tower's configuration
     * @param w the loader reading the checkpoint
     * @param prefix the prefix of the vision model's weights, e.g. {@code "vision_tower.vision_model."}
     * @param layersNeeded how many encoder layers the selected feature layer needs
     * @throws io.unimllm.core.CheckpointException when a weight is missing or of another shape than {@code cfg}
     *     implies
     * @throws io.unimllm.protocol.UnimllmException when {@code cfg} names an activation this runtime lacks
     */
    public ClipVisionTower(VisionConfig cfg, WeightLoader w, String prefix, int layersNeeded) {
        this.cfg = cfg;
        long h = cfg.hiddenSize();
        long p = cfg.patchSize();
        this.act = Activation.byName(cfg.hiddenAct());
        classEmbedding = w.load(prefix + "embeddings.class_embedding", h);
        // kept 4-D and reshaped per call: a view made here would go stale for autograd once training updates it
        patchWeight = w.load(prefix + "embeddings.patch_embedding.weight", h, cfg.numChannels(), p, p);
        positionEmbedding = w.load(prefix + "embeddings.position_embedding.weight", cfg.numPatches() + 1, h);
        preNormWeight = w.load(prefix + "pre_layrnorm.weight", h);
        preNormBias = w.load(prefix + "pre_layrnorm.bias", h);
        layers = new ArrayList<>();
        for (int i = 0; i < layersNeeded; i++) {
            String l = prefix + "encoder.layers." + i + ".";
            long ff = cfg.intermediateSize();
            layers.add(new EncoderLayer(w.load(l + "layer_norm1.weight", h), w.load(l + "layer_norm1.bias", h),
                    w.linear(l + "self_attn.q_proj", h, h, true), w.linear(l + "self_attn.k_proj", h, h, true),
                    w.linear(l + "self_attn.v_proj", h, h, true), w.linear(l + "self_attn.out_proj", h, h, true),
                    w.load(l + "layer_norm2.weight", h), w.load(l + "layer_norm2.bias", h),
                    w.linear(l + "mlp.fc1", ff, h, true), w.linear(l + "mlp.fc2", h, ff, true)));
        }
    }

    /**
     * Runs the tower and returns the hidden states after {@code numLayers} encoder layers (0 = the embeddings
     * after pre-LayerNorm), as transformers' {@code hidden_states[numLayers]}.
     *
     * @param pixelValues {@code [B, C, H, W]} normalised pixels
     * @param numLayers how many encoder layers to run, at most {@link #loadedLayers()}
     * @return {@code [B, 1 + patches, hidden]}
     */
    public NDArray hiddenStates(NDArray pixelValues, int numLayers) {
        long b = pixelValues.getShape().get(0);
        long c = cfg.numChannels();
        long p = cfg.patchSize();
        long g = cfg.imageSize() / p;
        long h = cfg.hiddenSize();
        // Non-overlapping patches as a matrix product: [B,C,g,p,g,p] -> [B,g,g,C,p,p] -> [B, g*g, C*p*p].
        NDArray patches = pixelValues.reshape(b, c, g, p, g, p).transpose(0, 2, 4, 1, 3, 5).reshape(b, g * g, c * p * p);
        NDArray embedded = patches.matMul(patchWeight.reshape(h, c * p * p).transpose());
        NDArray cls = classEmbedding.reshape(1, 1, h).broadcast(b, 1, h);
        NDArray x = cls.concat(embedded, 1).add(positionEmbedding.expandDims(0));
        x = Norms.layerNorm(x, preNormWeight, preNormBias, (float) cfg.layerNormEps());
        for (int i = 0; i < numLayers; i++) {
            x = layer(layers.get(i), x);
        }
        return x;
    }

    private NDArray layer(EncoderLayer l, NDArray x) {
        float eps = (float) cfg.layerNormEps();
        NDArray y = Norms.layerNorm(x, l.ln1w(), l.ln1b(), eps);
        x = x.add(attention(l, y));
        y = Norms.layerNorm(x, l.ln2w(), l.ln2b(), eps);
        return x.add(l.fc2().apply(act.apply(l.fc1().apply(y))));
    }

    private NDArray attention(EncoderLayer l, NDArray x) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long heads = cfg.numAttentionHeads();
        long d = cfg.hiddenSize() / heads;
        NDArray q = l.q().apply(x).reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray k = l.k().apply(x).reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray v = l.v().apply(x).reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul((float) (1.0 / Math.sqrt(d)));
        NDArray ctx = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, heads * d);
        return l.out().apply(ctx);
    }

    /**
     * Number of encoder layers loaded.
     *
     * @return the layers loaded, those the selected feature layer needs
     */
    public int loadedLayers() {
        return layers.size();
    }

    /** Drops the class token: {@code [B, 1+n, h] -> [B, n, h]}. */
    static NDArray dropClassToken(NDArray hidden) {
        return hidden.get(new NDIndex(":, 1:, :"));
    }
}
