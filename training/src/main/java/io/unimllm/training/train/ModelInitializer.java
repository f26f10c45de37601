package io.unimllm.training.train;

import io.unimllm.core.config.ConfigWriter;
import io.unimllm.core.config.LlavaConfig;
import io.unimllm.core.config.TextConfig;
import io.unimllm.core.config.VisionConfig;
import io.unimllm.core.safetensors.SafetensorsWriter;
import io.unimllm.core.safetensors.SafetensorsWriter.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a freshly initialised checkpoint (config.json + model.safetensors with Hugging Face LLaVA-1.5 names) for
 * training from scratch. The result is loaded by {@code LlavaModel.load} exactly as a downloaded checkpoint is.
 * Initialisation follows transformers: normal(0, {@code initializerRange}) for matrices and embeddings, ones for norm
 * weights, zeros for biases. Deterministic under the seed.
 */
public final class ModelInitializer {
    private final double initializerRange;
    private final double embeddingRange;
    private final long seed;

    /**
     * An initialiser with one standard deviation for matrices and embeddings.
     *
     * @param initializerRange standard deviation of weight matrices and embeddings
     * @param seed the random seed
     */
    public ModelInitializer(double initializerRange, long seed) {
        this(initializerRange, initializerRange, seed);
    }

    /**
     * An initialiser whose token embeddings have their own standard deviation.
     *
     * @param initializerRange standard deviation of weight matrices
     * @param embeddingRange standard deviation of the token embeddings (a model trained from scratch learns to use its
     *     image features sooner when text embeddings are on their scale)
     * @param seed the random seed
     */
    public ModelInitializer(double initializerRange, double embeddingRange, long seed) {
        this.initializerRange = initializerRange;
        this.embeddingRange = embeddingRange;
        this.seed = seed;
    }

    /**
     * Writes the checkpoint.
     *
     * @param config the architecture to initialise
     * @param dir the directory, created if needed
     * @throws UncheckedIOException when the directory cannot be created
     */
    public void write(LlavaConfig config, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Entry> entries = new ArrayList<>();
        TextConfig t = config.text();
        String dec = config.hasVision() ? "language_model.model." : "model.";
        if (config.hasVision()) {
            VisionConfig v = config.vision();
            String p = "vision_tower.vision_model.";
            int h = v.hiddenSize();
            int ps = v.patchSize();
            entries.add(normal(p + "embeddings.class_embedding", rnd, h));
            entries.add(normal(p + "embeddings.patch_embedding.weight", rnd, h, v.numChannels(), ps, ps));
            entries.add(normal(p + "embeddings.position_embedding.weight", rnd, v.numPatches() + 1, h));
            norm(entries, p + "pre_layrnorm", h, true);
            for (int i = 0; i < v.numHiddenLayers(); i++) {
                String l = p + "encoder.layers." + i + ".";
                norm(entries, l + "layer_norm1", h, true);
                for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                    linear(entries, rnd, l + "self_attn." + proj, h, h, true);
                }
                norm(entries, l + "layer_norm2", h, true);
                linear(entries, rnd, l + "mlp.fc1", v.intermediateSize(), h, true);
                linear(entries, rnd, l + "mlp.fc2", h, v.intermediateSize(), true);
            }
            norm(entries, p + "post_layernorm", h, true);
            linear(entries, rnd, "multi_modal_projector.linear_1", t.hiddenSize(), h, config.projectorBias());
            linear(entries, rnd, "multi_modal_projector.linear_2", t.hiddenSize(), t.hiddenSize(),
                    config.projectorBias());
        }
        int h = t.hiddenSize();
        int q = t.numAttentionHeads() * t.headDim();
        int kv = t.numKeyValueHeads() * t.headDim();
        entries.add(normal(dec + "embed_tokens.weight", rnd, embeddingRange / initializerRange, t.vocabSize(), h));
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            String l = dec + "layers." + i + ".";
            norm(entries, l + "input_layernorm", h, false);
            linear(entries, rnd, l + "self_attn.q_proj", q, h, t.qkvBias());
            linear(entries, rnd, l + "self_attn.k_proj", kv, h, t.qkvBias());
            linear(entries, rnd, l + "self_attn.v_proj", kv, h, t.qkvBias());
            linear(entries, rnd, l + "self_attn.o_proj", h, q, t.outputBias());
            norm(entries, l + "post_attention_layernorm", h, false);
            linear(entries, rnd, l + "mlp.gate_proj", t.intermediateSize(), h, t.mlpBias());
            linear(entries, rnd, l + "mlp.up_proj", t.intermediateSize(), h, t.mlpBias());
            linear(entries, rnd, l + "mlp.down_proj", h, t.intermediateSize(), t.mlpBias());
        }
        norm(entries, dec + "norm", h, false);
        if (!t.tieWordEmbeddings()) {
            entries.add(normal(config.hasVision() ? "language_model.lm_head.weight" : "lm_head.weight", rnd,
                    t.vocabSize(), h));
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, Map.of("format", "pt"));
        ConfigWriter.write(config, dir);
    }

    private Entry normal(String name, SplittableRandom rnd, long... shape) {
        return normal(name, rnd, 1.0, shape);
    }

    private Entry normal(String name, SplittableRandom rnd, double scale, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (gaussian(rnd) * initializerRange * scale);
        }
        return Entry.f32(name, shape, v);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller: SplittableRandom has no nextGaussian in Java 17
        double u = 1.0 - rnd.nextDouble();
        double w = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }

    private void linear(List<Entry> out, SplittableRandom rnd, String name, long o, long i, boolean bias) {
        out.add(normal(name + ".weight", rnd, o, i));
        if (bias) {
            out.add(Entry.f32(name + ".bias", new long[] {o}, new float[(int) o]));
        }
    }

    private static void norm(List<Entry> out, String name, int n, boolean bias) {
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        out.add(Entry.f32(name + ".weight", new long[] {n}, ones));
        if (bias) {
            out.add(Entry.f32(name + ".bias", new long[] {n}, new float[n]));
        }
    }
}
