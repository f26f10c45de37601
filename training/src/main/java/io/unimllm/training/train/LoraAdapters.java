package io.unimllm.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
    private final List<Site> sites;

    /** Where an adapter sits: decoder layer, projection, and the PEFT name prefix of its tensors. */
    private record Site(int layer, String target, String name, LoraLinear adapter) {
    }

    private LoraAdapters(Map<String, NDArray> parameters, List<LoraLinear> layers, List<Site> sites) {
        this.parameters = parameters;
        this.layers = layers;
        this.sites = sites;
    }

    /**
     * Wraps every targeted projection of every decoder layer. A is initialised from N(0, 1/in) (seeded), B at zero.
     *
     * @param model the model whose decoder projections are wrapped (in place)
     * @param cfg rank, scale and target projections
     * @param decoderPrefix the checkpoint prefix of the decoder, e.g. {@code language_model.model.}
     * @param seed seed of A's initialisation
     * @return the inserted adapters
     * @throws IllegalArgumentException when a target is not a projection name
     */
    public static LoraAdapters insert(LlavaModel model, LoraConfig cfg, String decoderPrefix, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        NDManager manager = model.manager();
        Map<String, NDArray> params = new LinkedHashMap<>();
        List<LoraLinear> layers = new ArrayList<>();
        List<Site> sites = new ArrayList<>();
        int n = model.config().text().numHiddenLayers();
        for (String target : cfg.targets()) {
            if (!LlavaModel.projectionNames().contains(target)) {
                throw new IllegalArgumentException("unknown LoRA target '" + target + "', expected one of "
                        + LlavaModel.projectionNames());
            }
            for (int i = 0; i < n; i++) {
                int layer = i;
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
                    sites.add(new Site(layer, target, name, l));
                    return l;
                });
            }
        }
        return new LoraAdapters(params, layers, sites);
    }

    /**
     * Wraps the same projections of another model of this architecture (the fp16 working copy of mixed-precision
     * training, see {@code LlavaModel.castCopy}) with adapters over copies of this one's A and B converted to
     * {@code dtype} and owned by {@code manager}.
     *
     * @param copy the model copy whose projections are wrapped (in place)
     * @param dtype the dtype of the adapter copies
     * @param manager the owner of the adapter copies
     * @return the copies by the same names as {@link #parameters()}
     */
    public Map<String, NDArray> insertCopies(LlavaModel copy, DataType dtype, NDManager manager) {
        Map<String, NDArray> copies = new LinkedHashMap<>();
        for (Site s : sites) {
            NDArray a = s.adapter().a().toType(dtype, true);
            NDArray b = s.adapter().b().toType(dtype, true);
            a.attach(manager);
            b.attach(manager);
            copies.put(s.name() + ".lora_A.weight", a);
            copies.put(s.name() + ".lora_B.weight", b);
            double scale = s.adapter().scale();
            copy.decoder().replaceProjection(s.layer(), s.target(), base -> new LoraLinear(base, a, b, scale));
        }
        return copies;
    }

    /**
     * Adapter tensors by PEFT-style name.
     *
     * @return the live A and B arrays
     */
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

    /**
     * Restores adapter values (for resuming).
     *
     * @param values saved values by PEFT-style name; adapters missing there are left as they are
     */
    public void load(Map<String, float[]> values) {
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v != null) {
                e.getValue().set(java.nio.FloatBuffer.wrap(v));
            }
        }
    }
}
