package io.unimllm.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.model.LlavaModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LoRA adapters inserted into a loaded model's decoder. Parameter names follow PEFT: the projection's weight name
 * with {@code .weight} replaced by {@code .lora_A.weight} / {@code .lora_B.weight}.
 */
public final class LoraAdapters {
    private final Map<String, NDArray> parameters;
    private final List<LoraLinear> layers;

    private LoraAdapters(Map<String, NDArray> parameters, List<LoraLinear> layers) {
        this.parameters = parameters;
        this.layers = layers;
    }

    /**
     * Wraps every targeted projection of every decoder layer. A is initialised from N(0, 1/in) (seeded), B at zero.
     *
     * @param decoderPrefix the checkpoint prefix of the decoder, e.g. {@code language_model.model.}
     */
    public static LoraAdapters insert(LlavaModel model, LoraConfig cfg, String decoderPrefix, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        NDManager manager = model.manager();
        Map<String, NDArray> params = new LinkedHashMap<>();
        List<LoraLinear> layers = new ArrayList<>();
        int n = model.config().text().numHiddenLayers();
        for (String target : cfg.targets()) {
            if (!LlavaModel.projectionNames().contains(target)) {
                throw new IllegalArgumentException("unknown LoRA target '" + target + "', expected one of "
                        + LlavaModel.projectionNames());
            }
            for (int i = 0; i < n; i++) {
                String name = decoderPrefix + "layers." + i + "." + target;
                model.decoder().replaceProjection(i, target, base -> {
                    long in = base.inFeatures();
                    long out = base.outFeatures();
                    float[] av = new float[(int) (cfg.rank() * in)];
                    double std = 1.0 / Math.sqrt(in);
                    for (int k = 0; k < av.length; k++) {
                        double u = 1.0 - rnd.nextDouble();
                        av[k] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble()) * std);
                    }
                    NDArray a = manager.create(av, new Shape(cfg.rank(), in)).toType(model.dtype(), false);
                    NDArray b = manager.zeros(new Shape(out, cfg.rank()), model.dtype());
                    params.put(name + ".lora_A.weight", a);
                    params.put(name + ".lora_B.weight", b);
                    LoraLinear l = new LoraLinear(base, a, b, cfg.scale());
                    layers.add(l);
                    return l;
                });
            }
        }
        return new LoraAdapters(params, layers);
    }

    /** Adapter tensors by PEFT-style name. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * Folds every adapter into its base weight and zeroes B, so the model computes the same function with the
     * adapters now contributing nothing; the merged base weights can be saved as a plain checkpoint.
     */
    public void merge() {
        for (LoraLinear l : layers) {
            l.mergeIntoBase();
            l.b().subi(l.b());
        }
    }

    /** Restores adapter values (for resuming). */
    public void load(Map<String, float[]> values) {
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v != null) {
                e.getValue().set(java.nio.FloatBuffer.wrap(v));
            }
        }
    }
}
