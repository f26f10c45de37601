package io.unimllm.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.unimllm.core.CheckpointException;
import io.unimllm.core.config.LlavaConfig;
import io.unimllm.core.config.VisionConfig;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.core.safetensors.TensorDType;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded LLaVA-family model: vision tower, projector and decoder on one device. Owns the native memory of its
 * weights; close it to free them. Thread-compatible: share it between threads only with external locking or by
 * running one request at a time.
 *
 * <p>Accepts Hugging Face's LLaVA checkpoint layouts (weights under {@code language_model.model.*} or
 * {@code model.language_model.*}) and plain Llama checkpoints ({@code model.*}, no vision tower).
 */
public final class LlavaModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LlavaModel.class);

    private final LlavaConfig config;
    private final NDManager manager;
    private final ClipVisionTower vision;
    private final MultiModalProjector projector;
    private final LlamaDecoder decoder;
    private final Map<String, NDArray> parameters;
    private final DataType dtype;
    private final WeightNames names;

    private LlavaModel(LlavaConfig config, NDManager manager, ClipVisionTower vision, MultiModalProjector projector,
            LlamaDecoder decoder, Map<String, NDArray> parameters, DataType dtype, WeightNames names) {
        this.config = config;
        this.manager = manager;
        this.vision = vision;
        this.projector = projector;
        this.decoder = decoder;
        this.parameters = parameters;
        this.dtype = dtype;
        this.names = names;
    }

    /** Loads a checkpoint directory with automatic device and dtype. */
    public static LlavaModel load(Path dir) {
        return load(dir, LoadOptions.defaults());
    }

    /**
     * Loads a checkpoint directory (config.json + model.safetensors or a sharded index).
     *
     * @throws io.unimllm.core.ConfigException when config.json is missing or inconsistent
     * @throws CheckpointException when weights are missing, corrupt or of shapes config.json does not imply
     */
    public static LlavaModel load(Path dir, LoadOptions options) {
        long start = System.nanoTime();
        LlavaConfig config = LlavaConfig.load(dir);
        Device device = options.device();
        NDManager manager = NDManager.newBaseManager(device);
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            DataType dtype = options.dtype(checkpointHalfType(ckpt));
            WeightLoader w = new WeightLoader(ckpt, manager, dtype);
            w.progress(options.progress());
            WeightNames names = WeightNames.detect(ckpt, dir);
            LlavaModel model = build(config, manager, w, names);
            LOG.debug("loaded {} tensors from {} on {} as {} in {} ms", w.parameters().size(), dir, device, dtype,
                    (System.nanoTime() - start) / 1_000_000);
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static LlavaModel build(LlavaConfig config, NDManager manager, WeightLoader w, WeightNames names) {
        ClipVisionTower vision = null;
        MultiModalProjector projector = null;
        if (config.vision() != null) {
            VisionConfig vc = config.vision();
            vision = new ClipVisionTower(vc, w, names.visionPrefix(), featureLayerCount(config));
            projector = new MultiModalProjector(w, names.projectorPrefix(), vc.hiddenSize(),
                    config.text().hiddenSize(), config.projectorHiddenAct(), config.projectorBias());
        }
        LlamaDecoder decoder = new LlamaDecoder(config.text(), w, manager, names.decoderPrefix(), names.lmHead());
        return new LlavaModel(config, manager, vision, projector, decoder,
                Collections.unmodifiableMap(w.parameters()), w.dtype(), names);
    }

    /**
     * A second model of the same architecture whose weights are copies of this model's loaded weights converted to
     * {@code dtype}, owned by a sub-manager of this model's manager (closing the copy frees only the copies). Used by
     * mixed-precision training: the copy is the fp16 working model, this model keeps the fp32 master weights.
     * Projections replaced on this model's decoder (adapters) are not carried over: the copy has the plain loaded
     * layers, and the caller wraps them again if needed. The copy's arrays, by the same names, are its
     * {@link #parameters()}; they do not follow later changes of this model's weights.
     */
    public LlavaModel castCopy(DataType dtype) {
        NDManager sub = manager.newSubManager();
        try {
            return build(config, sub, WeightLoader.copying(parameters, sub, dtype), names);
        } catch (RuntimeException e) {
            sub.close();
            throw e;
        }
    }

    /** Number of vision encoder layers the selected feature layer needs. */
    static int featureLayerCount(LlavaConfig config) {
        int layers = config.vision().numHiddenLayers();
        int sel = config.visionFeatureLayer();
        return sel < 0 ? layers + 1 + sel : sel;
    }

    private static Optional<DataType> checkpointHalfType(SafetensorsCheckpoint ckpt) {
        for (String name : ckpt.tensorNames()) {
            TensorDType t = ckpt.info(name).dtype();
            if (t == TensorDType.BF16) {
                return Optional.of(DataType.BFLOAT16);
            }
            if (t == TensorDType.F16) {
                return Optional.of(DataType.FLOAT16);
            }
        }
        return Optional.empty();
    }

    /** True when the model has a vision tower. */
    public boolean hasVision() {
        return vision != null;
    }

    /**
     * Vision features as the projector reads them: the configured hidden layer, without the class token under the
     * "default" strategy.
     *
     * @param pixelValues {@code [B, C, H, W]}
     * @return {@code [B, n, visionHidden]}
     */
    public NDArray visionFeatures(NDArray pixelValues) {
        requireVision();
        NDArray hidden = vision.hiddenStates(pixelValues.toType(dtype, false), featureLayerCount(config));
        return "default".equals(config.visionFeatureSelectStrategy()) ? ClipVisionTower.dropClassToken(hidden) : hidden;
    }

    /** Image embeddings for the decoder: {@code [B, n, textHidden]}. */
    public NDArray encodeImages(NDArray pixelValues) {
        return projector.apply(visionFeatures(pixelValues));
    }

    /** The projector alone, for tests and heads. */
    public NDArray project(NDArray visionFeatures) {
        requireVision();
        return projector.apply(visionFeatures);
    }

    private void requireVision() {
        if (vision == null) {
            throw new IllegalStateException("this checkpoint has no vision tower");
        }
    }

    /** The language decoder. */
    public LlamaDecoder decoder() {
        return decoder;
    }

    /** The configuration read from config.json. */
    public LlavaConfig config() {
        return config;
    }

    /** The manager owning the weights; per-request work should use a sub-manager or an NDScope. */
    public NDManager manager() {
        return manager;
    }

    /** The compute dtype of the weights. */
    public DataType dtype() {
        return dtype;
    }

    /** The device the weights live on. */
    public Device device() {
        return manager.getDevice();
    }

    /** Every weight by its Hugging Face name, in load order; training attaches gradients to these. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** Total number of weight elements. */
    public long parameterCount() {
        long n = 0;
        for (NDArray a : parameters.values()) {
            n += a.size();
        }
        return n;
    }

    /** Names of the decoder projections an adapter can wrap. */
    public static List<String> projectionNames() {
        return List.of(LlamaDecoder.PROJECTIONS);
    }

    @Override
    public void close() {
        decoder.releaseScripted();
        manager.close();
    }
}
