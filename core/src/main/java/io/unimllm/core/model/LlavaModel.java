package io.unimllm.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.CheckpointException;
import io.unimllm.core.PromptException;
import io.unimllm.core.config.LlavaConfig;
import io.unimllm.core.config.VisionConfig;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded LLaVA-family model: vision tower, projector, decoder and the optional TPO task heads on one device. Owns
 * the native memory of its weights; close it to free them. It owns the model's work: encoding images, the one rule
 * that splices image features into a prompt ({@link #embedPrompt}, used by generation and training alike), the
 * decoder and its {@link DecoderPlan}, and the task heads ({@link #heads()}). Thread-compatible: share it between
 * threads only with external locking or by running one request at a time.
 *
 * <p>Accepts Hugging Face's LLaVA checkpoint layouts (weights under {@code language_model.model.*} or
 * {@code model.language_model.*}) and plain Llama checkpoints ({@code model.*}, no vision tower).
 */
public final class LlavaModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LlavaModel.class);
    /** How many unused tensors an error message names. */
    private static final int UNUSED_LISTED = 8;

    private final LlavaConfig config;
    private final NDManager manager;
    private final ClipVisionTower vision;
    private final MultiModalProjector projector;
    private final LlamaDecoder decoder;
    private final Map<String, NDArray> parameters;
    private final DataType dtype;
    private final WeightNames names;
    private final TaskHeads heads;
    /** False for a {@link #withPlan} view, which closes only its own decoder's work and never the weights. */
    private final boolean ownsWeights;

    private LlavaModel(LlavaConfig config, NDManager manager, ClipVisionTower vision, MultiModalProjector projector,
            LlamaDecoder decoder, Map<String, NDArray> parameters, DataType dtype, WeightNames names,
            TaskHeads heads, boolean ownsWeights) {
        this.config = config;
        this.manager = manager;
        this.vision = vision;
        this.projector = projector;
        this.decoder = decoder;
        this.parameters = parameters;
        this.dtype = dtype;
        this.names = names;
        this.heads = heads;
        this.ownsWeights = ownsWeights;
    }

    /**
     * Loads a checkpoint directory with automatic device and dtype and the inference plan.
     *
     * @param dir the checkpoint directory
     * @return the loaded model, which the caller closes
     */
    public static LlavaModel load(Path dir) {
        return load(dir, LoadOptions.defaults());
    }

    /**
     * Loads a checkpoint directory (config.json + model.safetensors or a sharded index, and heads.safetensors when
     * present).
     *
     * @param dir the checkpoint directory
     * @param options device, dtype and decoder plan
     * @return the loaded model, which the caller closes
     * @throws io.unimllm.protocol.ConfigException when config.json is missing or inconsistent, or {@code dir} is a
     *     file
     * @throws CheckpointException when weights are missing, corrupt or of shapes config.json does not imply, or the
     *     checkpoint holds tensors config.json gives no use for (unless {@link LoadOptions#ignoresUnusedTensors()})
     */
    public static LlavaModel load(Path dir, LoadOptions options) {
        long start = System.nanoTime();
        if (Files.isRegularFile(dir)) {
            throw LlavaConfig.notADirectory(dir);
        }
        LlavaConfig config = LlavaConfig.load(dir);
        Device device = options.device();
        NDManager manager = NDManager.newBaseManager(device);
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            DataType dtype = options.dtype();
            WeightLoader w = new WeightLoader(ckpt, manager, dtype);
            w.progress(options.progress());
            WeightNames names = WeightNames.detect(ckpt, dir);
            TaskHeads heads = config.vision() == null ? TaskHeads.none(manager, dtype)
                    : TaskHeads.load(dir, manager, dtype, config.text().hiddenSize());
            LlavaModel model = build(config, manager, w, names, options.plan(), heads);
            try {
                checkUnused(ckpt, w.parameters().keySet(), config, names, options.ignoresUnusedTensors());
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
            LOG.debug("loaded {} tensors from {} on {} as {} in {} ms", w.parameters().size(), dir, device, dtype,
                    (System.nanoTime() - start) / 1_000_000);
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Refuses (or, when {@code ignore}, logs) the checkpoint's tensors that the model did not load and config.json
     * does not account for. Accounted for without being loaded: vision layers past the feature layer and the vision
     * tower's final norm (LLaVA reads an inner layer), and the buffers Hugging Face recomputes from the config
     * ({@code rotary_emb.inv_freq}, {@code position_ids}) that older exports saved.
     */
    private static void checkUnused(SafetensorsCheckpoint ckpt, Set<String> loaded, LlavaConfig config,
            WeightNames names, boolean ignore) {
        List<String> unused = new ArrayList<>();
        for (String name : ckpt.tensorNames()) {
            if (!loaded.contains(name) && !describedButUnneeded(name, config, names)) {
                unused.add(name);
            }
        }
        if (unused.isEmpty()) {
            return;
        }
        int listed = Math.min(unused.size(), UNUSED_LISTED);
        String list = String.join(", ", unused.subList(0, listed))
                + (unused.size() > listed ? ", ... (" + unused.size() + " in all)" : "");
        if (ignore) {
            LOG.warn("ignoring {} checkpoint tensor(s) that config.json gives no use for: {}", unused.size(), list);
            return;
        }
        throw new CheckpointException(unused.size() + " tensor(s) of the checkpoint are not used by the model "
                + "config.json describes (a config with fewer layers than the checkpoint, or weights of another "
                + "architecture): " + list + "; fix config.json, or load with LoadOptions.builder()"
                + ".ignoreUnusedTensors(true) to leave them out", ckpt.info(unused.get(0)).file(), unused.get(0));
    }

    private static boolean describedButUnneeded(String name, LlavaConfig config, WeightNames names) {
        if (name.endsWith(".rotary_emb.inv_freq") || name.endsWith(".position_ids")) {
            return true;
        }
        if (config.vision() == null || !name.startsWith(names.visionPrefix())) {
            return false;
        }
        String rest = name.substring(names.visionPrefix().length());
        if (rest.startsWith("post_layernorm.")) {
            return true;
        }
        String layers = "encoder.layers.";
        if (!rest.startsWith(layers)) {
            return false;
        }
        int dot = rest.indexOf('.', layers.length());
        try {
            int layer = Integer.parseInt(rest.substring(layers.length(), dot < 0 ? rest.length() : dot));
            return layer < config.vision().numHiddenLayers();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static LlavaModel build(LlavaConfig config, NDManager manager, WeightLoader w, WeightNames names,
            DecoderPlan plan, TaskHeads heads) {
        ClipVisionTower vision = null;
        MultiModalProjector projector = null;
        if (config.vision() != null) {
            VisionConfig vc = config.vision();
            vision = new ClipVisionTower(vc, w, names.visionPrefix(), featureLayerCount(config));
            projector = new MultiModalProjector(w, names.projectorPrefix(), vc.hiddenSize(),
                    config.text().hiddenSize(), config.projectorHiddenAct(), config.projectorBias());
        }
        LlamaDecoder decoder = new LlamaDecoder(config.text(), w, manager, names.decoderPrefix(), names.lmHead(),
                plan);
        return new LlavaModel(config, manager, vision, projector, decoder,
                Collections.unmodifiableMap(w.parameters()), w.dtype(), names, heads, true);
    }

    /**
     * A second model of the same architecture whose weights are copies of this model's loaded weights converted to
     * {@code dtype}, owned by a sub-manager of this model's manager (closing the copy frees only the copies), with this
     * model's decoder plan and without task heads. Used by mixed-precision training: the copy is the fp16 working
     * model, this model keeps the fp32 master weights.
     * Projections replaced on this model's decoder (adapters) are not carried over: the copy has the plain loaded
     * layers, and the caller wraps them again if needed. The copy's arrays, by the same names, are its
     * {@link #parameters()}; they do not follow later changes of this model's weights.
     *
     * @param dtype the dtype of the copy
     * @return the copy, which the caller closes before this model
     */
    public LlavaModel castCopy(DataType dtype) {
        NDManager sub = manager.newSubManager();
        try {
            return build(config, sub, WeightLoader.copying(parameters, sub, dtype), names, decoder.plan(),
                    TaskHeads.none(sub, dtype));
        } catch (RuntimeException e) {
            sub.close();
            throw e;
        }
    }

    /**
     * A view of this model whose decoder lays out its work by another plan, over the same weights (no copy): for
     * comparing plans on one set of weights, as the benchmark and the plan tests do. In-place changes of the weights
     * are seen by both; projections replaced afterwards on one are not seen by the other. Closing the view frees only
     * what its plan made (the scripted step, packed copies); close it before this model.
     *
     * @param plan the view's decoder plan
     * @return the view
     */
    public LlavaModel withPlan(DecoderPlan plan) {
        return new LlavaModel(config, manager, vision, projector, decoder.withPlan(plan), parameters, dtype, names,
                heads, false);
    }

    /** Number of vision encoder layers the selected feature layer needs. */
    static int featureLayerCount(LlavaConfig config) {
        int layers = config.vision().numHiddenLayers();
        int sel = config.visionFeatureLayer();
        return sel < 0 ? layers + 1 + sel : sel;
    }

    /**
     * Whether the model is multimodal.
     *
     * @return true when the model has a vision tower
     */
    public boolean hasVision() {
        return vision != null;
    }

    /**
     * Vision features as the projector reads them: the configured hidden layer, without the class token under the
     * "default" strategy.
     *
     * @param pixelValues {@code [B, C, H, W]}
     * @return {@code [B, n, visionHidden]}
     * @throws IllegalStateException when the model has no vision tower
     */
    public NDArray visionFeatures(NDArray pixelValues) {
        requireVision();
        NDArray hidden = vision.hiddenStates(pixelValues.toType(dtype, false), featureLayerCount(config));
        return "default".equals(config.visionFeatureSelectStrategy()) ? ClipVisionTower.dropClassToken(hidden) : hidden;
    }

    /**
     * Image embeddings for the decoder.
     *
     * @param pixelValues {@code [B, C, H, W]} preprocessed images
     * @return {@code [B, n, textHidden]}, {@code n} = {@code config().imageSeqLength()}
     * @throws IllegalStateException when the model has no vision tower
     */
    public NDArray encodeImages(NDArray pixelValues) {
        return projector.apply(visionFeatures(pixelValues));
    }

    /**
     * Embeds one prompt with its images spliced in: the one rule by which generation and training feed images to the
     * decoder. Each run of image tokens ({@code config().imageTokenIndex()}) stands for images in order: a single
     * image token for one image (it becomes {@code n} positions), or {@code k * n} image tokens for {@code k} images
     * whose positions were expanded beforehand ({@code n} = {@code config().imageSeqLength()}).
     *
     * @param ids the prompt's token ids
     * @param imageFeatures {@code [images, n, textHidden]} from {@link #encodeImages}, or null when no image is given
     * @param manager owner of the arrays made here (a request's or a step's scope)
     * @return {@code [positions, textHidden]}: the token embeddings with every image run replaced by its features
     * @throws PromptException naming the run when the image tokens do not match the images given, or when images are
     *     given to a model without a vision tower
     */
    public NDArray embedPrompt(int[] ids, NDArray imageFeatures, NDManager manager) {
        int hidden = config.text().hiddenSize();
        int images = imageFeatures == null ? 0 : (int) imageFeatures.getShape().get(0);
        List<int[]> runs = imageRuns(ids, images);
        NDArray tokens = decoder.embed(manager.create(toLong(ids), new Shape(1, ids.length))).reshape(ids.length,
                hidden);
        if (runs.isEmpty()) {
            return tokens;
        }
        int n = config.imageSeqLength();
        NDList parts = new NDList();
        int cursor = 0;
        int image = 0;
        for (int[] r : runs) {
            if (r[0] > cursor) {
                parts.add(tokens.get(new NDIndex("{}:{}", cursor, r[0])));
            }
            int count = r[1] - r[0] == 1 ? 1 : (r[1] - r[0]) / n;
            for (int k = 0; k < count; k++, image++) {
                parts.add(imageFeatures.get(image));
            }
            cursor = r[1];
        }
        if (cursor < ids.length) {
            parts.add(tokens.get(new NDIndex("{}:", cursor)));
        }
        return NDArrays.concat(parts, 0);
    }

    /**
     * The number of positions a prompt takes once its images are spliced in ({@link #embedPrompt}).
     *
     * @param ids the prompt's token ids
     * @param images the number of images given with it
     * @return the positions the decoder will see
     * @throws PromptException when the image tokens do not match {@code images}
     */
    public int promptPositions(int[] ids, int images) {
        int positions = ids.length;
        for (int[] r : imageRuns(ids, images)) {
            if (r[1] - r[0] == 1) {
                positions += config.imageSeqLength() - 1;
            }
        }
        return positions;
    }

    /** The {start, end} of each image-token run, checked against the number of images. */
    private List<int[]> imageRuns(int[] ids, int images) {
        int imageToken = config.imageTokenIndex();
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == imageToken) {
                int j = i;
                while (j < ids.length && ids[j] == imageToken) {
                    j++;
                }
                runs.add(new int[] {i, j});
                i = j - 1;
            }
        }
        if (runs.isEmpty() && images == 0) {
            return runs;
        }
        if (!hasVision()) {
            throw new PromptException("the prompt has images but the model has no vision tower");
        }
        int n = config.imageSeqLength();
        int expected = 0;
        for (int[] r : runs) {
            int len = r[1] - r[0];
            if (len != 1 && len % n != 0) {
                throw new PromptException("the prompt has a run of " + len + " image tokens at index " + r[0]
                        + "; expected 1 per image or " + n + " per image");
            }
            expected += len == 1 ? 1 : len / n;
        }
        if (expected != images) {
            throw new PromptException("the prompt marks " + expected + " image(s) with image tokens but " + images
                    + " image(s) were given");
        }
        return runs;
    }

    private static long[] toLong(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /**
     * The TPO-style task heads loaded with the model (none for a checkpoint without {@code heads.safetensors} or
     * without a vision tower).
     *
     * @return the heads, owned by this model
     */
    public TaskHeads heads() {
        return heads;
    }

    /**
     * The projector alone, for tests and heads.
     *
     * @param visionFeatures {@code [B, n, visionHidden]} from {@link #visionFeatures}
     * @return {@code [B, n, textHidden]}
     * @throws IllegalStateException when the model has no vision tower
     */
    public NDArray project(NDArray visionFeatures) {
        requireVision();
        return projector.apply(visionFeatures);
    }

    private void requireVision() {
        if (vision == null) {
            throw new IllegalStateException("this checkpoint has no vision tower");
        }
    }

    /**
     * The language decoder.
     *
     * @return the decoder, owned by this model
     */
    public LlamaDecoder decoder() {
        return decoder;
    }

    /**
     * The configuration read from config.json.
     *
     * @return the configuration
     */
    public LlavaConfig config() {
        return config;
    }

    /**
     * The manager owning the weights; per-request work should use a sub-manager or an NDScope.
     *
     * @return the model's manager
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * The compute dtype of the weights.
     *
     * @return the dtype every floating-point weight was converted to (a loaded model's is FLOAT32 or FLOAT16)
     */
    public DataType dtype() {
        return dtype;
    }

    /**
     * The device the weights live on.
     *
     * @return the manager's device
     */
    public Device device() {
        return manager.getDevice();
    }

    /**
     * Every weight by its Hugging Face name, in load order; training attaches gradients to these.
     *
     * @return the weights, unmodifiable (the arrays themselves are the live weights)
     */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * Total number of weight elements.
     *
     * @return the sum of the sizes of {@link #parameters()}
     */
    public long parameterCount() {
        long n = 0;
        for (NDArray a : parameters.values()) {
            n += a.size();
        }
        return n;
    }

    /**
     * Names of the decoder projections an adapter can wrap.
     *
     * @return the Hugging Face names relative to a layer, q, k, v, o, gate, up, down
     */
    public static List<String> projectionNames() {
        return java.util.Arrays.stream(LlamaDecoder.Projection.values()).map(LlamaDecoder.Projection::hfName).toList();
    }

    /** Frees the weights (a {@link #withPlan} view frees only what its plan made). */
    @Override
    public void close() {
        decoder.releaseScripted();
        if (ownsWeights) {
            manager.close();
        }
    }
}
