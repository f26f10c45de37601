package io.unimllm.training.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.config.ConfigWriter;
import io.unimllm.core.model.Casts;
import io.unimllm.core.model.DenseLinear;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.MaskPromptHead;
import io.unimllm.core.model.RegionHead;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a loaded {@link LlavaModel} in place with DJL's PyTorch autograd: language-model loss on assistant tokens
 * plus, optionally, a TPO-style region loss (box head) and point loss (mask-prompt head); AdamW with warm-up + cosine
 * schedule, global gradient clipping and gradient accumulation. Which tensors train is decided by
 * {@link TrainingOptions}; frozen tensors never change. Checkpoints use the same safetensors + config.json layout
 * the model was loaded from.
 *
 * <p>Under {@link TrainingOptions.Precision#FP16_MIXED} the model's own (fp32) weights are the master weights: the
 * forward and backward run on an fp16 copy of the model ({@link LlavaModel#castCopy}, adapters and heads copied
 * too), the loss (computed in fp32) is multiplied by a dynamic loss scale before backward, the fp16 gradients of the
 * trainable copies are accumulated in fp32 and unscaled, and an update whose gradients overflow is skipped and the
 * scale backed off ({@link #overflowSteps()}); otherwise they are clipped and AdamW updates the fp32 masters, which
 * are then copied into the fp16 working copies.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** Adapter tensors of an unmerged checkpoint. */
    public static final String ADAPTER_FILE = "adapter_model.safetensors";
    private static final String STATE_FILE = "trainer_state.json";
    private static final String OPTIMIZER_FILE = "optimizer.safetensors";

    private static final String PACKED_WEIGHTS = "the decoder keeps packed copies of its weights for batched "
            + "decoding (LlamaDecoder.packWeightsForBatches), which training would leave stale; switch it off first";
    private final LlavaModel model;
    private final TrainingOptions options;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final LoraAdapters lora;
    private final RegionHead head;
    private final MaskPromptHead maskHead;
    private final AdamW optimizer;
    /** Under mixed precision: the fp16 copy the forward runs on; else the model itself. */
    private final LlavaModel compute;
    private final RegionHead computeHead;
    private final MaskPromptHead computeMaskHead;
    /** Under mixed precision: fp16 working copy of every trainable tensor, by name (empty under fp32). */
    private final Map<String, NDArray> working = new LinkedHashMap<>();
    /** Under mixed precision: every fp16 working array with its fp32 master, for re-synchronising copies. */
    private final List<NDArray[]> workingToMaster = new ArrayList<>();
    /** Under mixed precision: fp32 gradients (scaled until unscaled for an update) of the trainable tensors. */
    private final Map<String, NDArray> masterGrads = new LinkedHashMap<>();
    private final LossScaler scaler;
    private int overflows;
    private int microSteps;
    private int skipped;
    private int repaired;
    private String lastSkip = "";

    /**
     * Result of one micro-batch.
     *
     * @param loss the weighted total
     * @param lmLoss the language-model part
     * @param regionLoss the region head's loss (0 when the batch or stage has none)
     * @param pointLoss the mask-prompt head's point loss (0 when the batch or stage has none)
     */
    public record StepResult(int optimizerStep, double loss, double lmLoss, double regionLoss, double pointLoss,
            double lr, int tokens) {
    }

    /**
     * Prepares {@code model} for the stage: marks the selected tensors trainable, inserts LoRA adapters and the task
     * heads the stage trains (region, mask-prompt), each loaded from {@code heads.safetensors} when the checkpoint has
     * it, else freshly initialised. Heads the stage does not train are still loaded when present, and saved again.
     *
     * @throws IllegalArgumentException when the decoder keeps packed weight copies for batched decoding (they would go
     *     stale)
     */
    public Trainer(LlavaModel model, TrainingOptions options, Path checkpointDir) {
        if (model.decoder().packsWeightsForBatches()) {
            throw new IllegalArgumentException(PACKED_WEIGHTS);
        }
        this.model = model;
        this.options = options;
        Engine.getInstance().setRandomSeed((int) options.seed());
        // gradients must reach each projection's own weight, which the stacked inference products do not read
        model.decoder().useFusedProjections(false);
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            if (options.trains(e.getKey())) {
                trainable.put(e.getKey(), e.getValue());
            }
        }
        if (options.lora() != null) {
            lora = LoraAdapters.insert(model, options.lora(), decoderPrefix(model), options.seed());
            trainable.putAll(lora.parameters());
        } else {
            lora = null;
        }
        int hidden = model.config().text().hiddenSize();
        Optional<RegionHead> savedHead = checkpointDir == null ? Optional.empty()
                : RegionHead.load(checkpointDir, model.manager(), model.dtype(), hidden);
        if (options.regionHead()) {
            head = savedHead.orElseGet(() -> RegionHead.initialise(model.manager(), hidden, options.seed()));
            trainable.putAll(head.parameters());
        } else {
            head = savedHead.orElse(null);
        }
        Optional<MaskPromptHead> savedMaskHead = checkpointDir == null ? Optional.empty()
                : MaskPromptHead.load(checkpointDir, model.manager(), model.dtype(), hidden);
        if (options.maskPromptHead()) {
            // seed + 1: the two heads' first layers have the same shape and must not start identical
            maskHead = savedMaskHead.orElseGet(() -> MaskPromptHead.initialise(model.manager(), hidden,
                    options.seed() + 1));
            trainable.putAll(maskHead.parameters());
        } else {
            maskHead = savedMaskHead.orElse(null);
        }
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("stage '" + options.name() + "' selects no tensor to train");
        }
        scaler = new LossScaler(options.lossScale());
        if (options.precision() == TrainingOptions.Precision.FP16_MIXED) {
            if (model.dtype() != DataType.FLOAT32) {
                throw new IllegalArgumentException("fp16 mixed precision keeps fp32 master weights: load the model "
                        + "in fp32 (LoadOptions dtype FLOAT32), not " + model.dtype());
            }
            compute = model.castCopy(DataType.FLOAT16);
            compute.decoder().useFusedProjections(false);
            NDManager cm = compute.manager();
            Map<String, NDArray> copies = new HashMap<>(compute.parameters());
            if (lora != null) {
                copies.putAll(lora.insertCopies(compute, DataType.FLOAT16, cm));
            }
            computeHead = head == null ? null
                    : new RegionHead(halfLinear(head.parameters(), RegionHead.PREFIX + "fc1", copies, cm),
                            halfLinear(head.parameters(), RegionHead.PREFIX + "fc2", copies, cm));
            computeMaskHead = maskHead == null ? null
                    : new MaskPromptHead(halfLinear(maskHead.parameters(), MaskPromptHead.PREFIX + "fc1", copies, cm),
                            halfLinear(maskHead.parameters(), MaskPromptHead.PREFIX + "fc2", copies, cm));
            Map<String, NDArray> masters = new HashMap<>(model.parameters());
            if (lora != null) {
                masters.putAll(lora.parameters());
            }
            if (head != null) {
                masters.putAll(head.parameters());
            }
            if (maskHead != null) {
                masters.putAll(maskHead.parameters());
            }
            copies.forEach((name, copy) -> workingToMaster.add(new NDArray[] {copy, masters.get(name)}));
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                NDArray copy = copies.get(e.getKey());
                if (copy == null) {
                    throw new IllegalStateException("no fp16 working copy of " + e.getKey());
                }
                working.put(e.getKey(), copy);
                NDArray g = cm.zeros(e.getValue().getShape(), DataType.FLOAT32);
                masterGrads.put(e.getKey(), g);
            }
            working.values().forEach(p -> p.setRequiresGradient(true));
        } else {
            compute = model;
            computeHead = head;
            computeMaskHead = maskHead;
            trainable.values().forEach(p -> p.setRequiresGradient(true));
        }
        optimizer = new AdamW(model.manager(), options.weightDecay());
        LOG.debug("stage {}: {} trainable tensors", options.name(), trainable.size());
    }

    /** An fp16 copy of the linear layer {@code name} among {@code params}, recorded in {@code copies}. */
    private static DenseLinear halfLinear(Map<String, NDArray> params, String name, Map<String, NDArray> copies,
            NDManager manager) {
        NDArray[] wb = new NDArray[2];
        String[] names = {name + ".weight", name + ".bias"};
        for (int i = 0; i < 2; i++) {
            NDArray src = params.get(names[i]);
            if (src != null) {
                wb[i] = src.toType(DataType.FLOAT16, true);
                wb[i].attach(manager);
                copies.put(names[i], wb[i]);
            }
        }
        return new DenseLinear(wb[0], wb[1]);
    }

    static String decoderPrefix(LlavaModel model) {
        for (String name : model.parameters().keySet()) {
            if (name.endsWith("embed_tokens.weight")) {
                return name.substring(0, name.length() - "embed_tokens.weight".length());
            }
        }
        throw new IllegalStateException("model has no embed_tokens weight");
    }

    /** The tensors this stage trains, by checkpoint name. */
    public Map<String, NDArray> trainable() {
        return trainable;
    }

    /** The fp16 working copies of the trainable tensors under mixed precision, by name; empty under fp32. */
    public Map<String, NDArray> workingCopies() {
        return java.util.Collections.unmodifiableMap(working);
    }

    /** The current dynamic loss scale under mixed precision; 1 under fp32. */
    public double lossScale() {
        return options.precision() == TrainingOptions.Precision.FP16_MIXED ? scaler.scale() : 1;
    }

    /** Updates skipped under mixed precision because the fp16 gradients overflowed (the loss scale backed off). */
    public int overflowSteps() {
        return overflows;
    }

    /**
     * The gradients accumulated since the last update, unscaled, as fp32 copies by name (for tests; owned by the
     * caller's scope).
     */
    Map<String, NDArray> pendingGradients() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        if (mixed()) {
            masterGrads.forEach((k, g) -> out.put(k, g.div((float) scaler.scale())));
        } else {
            trainable.forEach((k, p) -> out.put(k, p.getGradient().toType(DataType.FLOAT32, true)));
        }
        return out;
    }

    private boolean mixed() {
        return compute != model;
    }

    /** Optimizer steps taken. */
    public int optimizerSteps() {
        return optimizer.steps();
    }

    /** The region head, when the stage has or loaded one. */
    public Optional<RegionHead> regionHead() {
        return Optional.ofNullable(head);
    }

    /** The mask-prompt head, when the stage has or loaded one. */
    public Optional<MaskPromptHead> maskPromptHead() {
        return Optional.ofNullable(maskHead);
    }

    /**
     * Forward + backward of one micro-batch; every {@code accumulation} micro-batches, clips the gradients and
     * updates the parameters.
     */
    public StepResult step(TrainingBatch batch) {
        if (model.decoder().packsWeightsForBatches()) {
            throw new IllegalStateException(PACKED_WEIGHTS);
        }
        double lr = options.schedule().at(optimizer.steps());
        double[] parts = new double[3];
        double total;
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            NDManager m = model.manager();
            TrainingForward.Output out = TrainingForward.run(compute, batch, m);
            NDArray lm = Losses.languageModel(out.logits(), batch.labels(), m);
            NDArray loss = lm;
            parts[0] = lm.getFloat();
            NDArray region = regionLoss(out.hidden(), batch, m);
            if (region != null) {
                parts[1] = region.getFloat();
                loss = loss.add(region.mul((float) options.regionLossWeight()));
            }
            NDArray point = pointLoss(out.hidden(), batch, m);
            if (point != null) {
                parts[2] = point.getFloat();
                loss = loss.add(point.mul((float) options.maskPromptLossWeight()));
            }
            total = loss.getFloat();
            if (!Double.isFinite(total)) {
                // a non-finite loss would poison every weight through AdamW: skip the batch, keep the model
                lastSkip = "non-finite loss (lm " + parts[0] + ", region " + parts[1] + ", point " + parts[2] + ")";
                skipped++;
                LOG.warn("non-finite loss {} at step {}; batch skipped ({} so far)", total, optimizer.steps(),
                        skipped);
                return new StepResult(optimizer.steps(), total, parts[0], parts[1], parts[2], lr,
                        batch.supervisedTokens());
            }
            if (mixed()) {
                gc.backward(loss.mul((float) (scaler.scale() / options.accumulation())));
            } else {
                gc.backward(loss.div(options.accumulation()));
            }
        }
        if (mixed()) {
            accumulateWorkingGradients();
        }
        microSteps++;
        if (microSteps % options.accumulation() == 0) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (mixed()) {
                    mixedUpdate(lr);
                } else {
                    Map<String, NDArray> grads = new LinkedHashMap<>();
                    trainable.forEach((k, p) -> grads.put(k, p.getGradient()));
                    if (clip(grads)) {
                        optimizer.step(trainable, grads, lr);
                    }
                    for (NDArray g : grads.values()) {
                        g.subi(g);
                    }
                }
            }
        }
        return new StepResult(optimizer.steps(), total, parts[0], parts[1], parts[2], lr, batch.supervisedTokens());
    }

    /** Adds the fp16 gradients of the working copies, as fp32, to the master gradients and zeroes them. */
    private void accumulateWorkingGradients() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Map.Entry<String, NDArray> e : working.entrySet()) {
                NDArray g = e.getValue().getGradient();
                masterGrads.get(e.getKey()).addi(g.toType(DataType.FLOAT32, false));
                // a fill, not g - g: an overflowed (inf) element would stay NaN
                g.set(new NDIndex("..."), 0);
            }
        }
    }

    /**
     * The mixed-precision update: unscale the accumulated gradients; on any inf/NaN skip the update and back the
     * scale off, else clip, update the fp32 masters, copy them into the fp16 working copies and let the scale grow.
     */
    private void mixedUpdate(double lr) {
        double scale = scaler.scale();
        float inv = (float) (1.0 / scale);
        boolean overflow = false;
        for (NDArray g : masterGrads.values()) {
            g.muli(inv);
            if (!overflow && !Float.isFinite(g.abs().max().getFloat())) {
                overflow = true;
            }
        }
        if (overflow) {
            overflows++;
            scaler.update(true);
            lastSkip = "fp16 gradient overflow at loss scale " + scale + " at step " + optimizer.steps()
                    + "; update skipped, scale now " + scaler.scale();
            LOG.debug(lastSkip);
        } else {
            if (clip(masterGrads)) {
                optimizer.step(trainable, masterGrads, lr);
                for (Map.Entry<String, NDArray> e : working.entrySet()) {
                    e.getValue().set(new NDIndex("..."), trainable.get(e.getKey()));
                }
            }
            scaler.update(false);
        }
        for (NDArray g : masterGrads.values()) {
            g.set(new NDIndex("..."), 0);
        }
    }

    /** Copies every master weight into its fp16 working copy (after the masters changed outside an update). */
    private void refreshWorkingCopies() {
        for (NDArray[] pair : workingToMaster) {
            pair[0].set(new NDIndex("..."), pair[1]);
        }
    }

    /** Loss on a batch without updating anything (for validation). */
    public double loss(TrainingBatch batch) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDManager m = model.manager();
            TrainingForward.Output out = TrainingForward.run(compute, batch, m);
            NDArray loss = Losses.languageModel(out.logits(), batch.labels(), m);
            NDArray region = regionLoss(out.hidden(), batch, m);
            if (region != null) {
                loss = loss.add(region.mul((float) options.regionLossWeight()));
            }
            NDArray point = pointLoss(out.hidden(), batch, m);
            if (point != null) {
                loss = loss.add(point.mul((float) options.maskPromptLossWeight()));
            }
            return loss.getFloat();
        }
    }

    /** The mask-prompt head's point loss alone on a batch (no update); NaN when the batch has no point target. */
    public double pointLoss(TrainingBatch batch) {
        if (maskHead == null) {
            throw new IllegalStateException("no mask-prompt head in this stage or checkpoint");
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDManager m = model.manager();
            TrainingForward.Output out = TrainingForward.run(compute, batch, m);
            HeadInputs in = headInputs(out.hidden(), batch.regionTokenIndex(), batch.pointTargets(), 2, m);
            return in == null ? Double.NaN
                    : Losses.point(Casts.to(computeMaskHead.apply(in.hidden()), DataType.FLOAT32), in.targets())
                            .getFloat();
        }
    }

    private NDArray regionLoss(NDArray hidden, TrainingBatch batch, NDManager m) {
        if (head == null || !options.regionHead()) {
            return null;
        }
        HeadInputs in = headInputs(hidden, batch.regionTokenIndex(), batch.regionTargets(), 4, m);
        return in == null ? null
                : Losses.region(Casts.to(computeHead.apply(in.hidden()), DataType.FLOAT32), in.targets());
    }

    private NDArray pointLoss(NDArray hidden, TrainingBatch batch, NDManager m) {
        if (maskHead == null || !options.maskPromptHead()) {
            return null;
        }
        HeadInputs in = headInputs(hidden, batch.regionTokenIndex(), batch.pointTargets(), 2, m);
        return in == null ? null
                : Losses.point(Casts.to(computeMaskHead.apply(in.hidden()), DataType.FLOAT32), in.targets());
    }

    /** Task-token hidden states {@code [N, hidden]} of the rows that have a target, and the targets {@code [N, w]}. */
    private record HeadInputs(NDArray hidden, NDArray targets) {
    }

    private static HeadInputs headInputs(NDArray hidden, int[] tokenIndex, float[][] targets, int width,
            NDManager m) {
        if (targets == null || tokenIndex == null) {
            return null;
        }
        List<NDArray> rows = new ArrayList<>();
        List<float[]> kept = new ArrayList<>();
        for (int i = 0; i < targets.length; i++) {
            if (tokenIndex[i] >= 0 && targets[i] != null) {
                rows.add(hidden.get(i).get(tokenIndex[i]).expandDims(0));
                kept.add(targets[i]);
            }
        }
        if (rows.isEmpty()) {
            return null;
        }
        float[] flat = new float[kept.size() * width];
        for (int i = 0; i < kept.size(); i++) {
            System.arraycopy(kept.get(i), 0, flat, i * width, width);
        }
        return new HeadInputs(NDArrays.concat(new NDList(rows), 0), m.create(flat, new Shape(kept.size(), width)));
    }

    /** Clips the global gradient norm of {@code grads} in place; false when it is not finite. */
    private boolean clip(Map<String, NDArray> grads) {
        // per tensor: max|g| * ||g / max|g|||, combined in double, so that large but finite gradients do not
        // overflow fp32 when squared (that would look non-finite and stall training)
        double sq = 0;
        int repaired = 0;
        for (NDArray grad : grads.values()) {
            NDArray g = grad.toType(DataType.FLOAT32, false);
            double max = g.abs().max().getFloat();
            if (!Double.isFinite(max)) {
                // a few overflowed elements (inf, or NaN from inf - inf) must not freeze the whole model: they are
                // zeroed, the rest of the gradient is kept, and the step is counted as repaired
                grad.set(grad.isNaN().logicalOr(grad.isInfinite()), 0);
                g = grad.toType(DataType.FLOAT32, false);
                max = g.abs().max().getFloat();
                repaired++;
                if (!Double.isFinite(max)) {
                    sq = Double.NaN;
                    break;
                }
            }
            if (max > 0) {
                sq += max * max * g.div((float) max).square().sum().getFloat();
            }
        }
        if (repaired > 0) {
            this.repaired++;
            lastSkip = "non-finite gradient elements zeroed in " + repaired + " tensor(s) at step " + optimizer.steps();
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            lastSkip = "non-finite gradient in " + grads.entrySet().stream()
                    .filter(e -> !Double.isFinite(e.getValue().toType(DataType.FLOAT32, false).abs()
                            .max().getFloat()))
                    .map(Map.Entry::getKey).limit(400).toList();
            skipped++;
            LOG.warn("non-finite gradient norm at step {}; update skipped ({} so far)", optimizer.steps(), skipped);
            return false;
        }
        if (options.clipNorm() <= 0) {
            return true;
        }
        if (norm > options.clipNorm()) {
            float factor = (float) (options.clipNorm() / (norm + 1e-6));
            for (NDArray g : grads.values()) {
                g.muli(factor);
            }
        }
        return true;
    }

    /** Why the last skipped step was skipped (empty when none was). */
    public String lastSkipReason() {
        return lastSkip;
    }

    /** Updates in which some non-finite gradient elements were zeroed (the rest applied). */
    public int repairedSteps() {
        return repaired;
    }

    /** Batches or updates skipped because of a non-finite loss or gradient. */
    public int skippedSteps() {
        return skipped;
    }

    /**
     * Writes a checkpoint loadable by {@code LlavaModel.load}: config.json, model.safetensors (LoRA merged when
     * {@code mergeLora}, else the base weights plus {@value #ADAPTER_FILE}), heads.safetensors (region and
     * mask-prompt heads, whichever exist), and the optimizer and trainer state for {@link #resume}. Files other than
     * these (tokenizer, unimllm.json) are the caller's.
     */
    public void save(Path dir, boolean mergeLora) {
        save(dir, mergeLora, true);
    }

    /**
     * As {@link #save(Path, boolean)}; without {@code optimizerState} only what inference needs is written (an
     * exported model), and optimizer/trainer state files of an earlier save are removed.
     */
    public void save(Path dir, boolean mergeLora, boolean optimizerState) {
        try {
            Files.createDirectories(dir);
            if (lora != null && mergeLora) {
                lora.merge();
                if (mixed()) {
                    refreshWorkingCopies();
                }
            }
            write(dir.resolve("model.safetensors"), model.parameters(), "");
            if (lora != null && !mergeLora) {
                write(dir.resolve(ADAPTER_FILE), lora.parameters(), "");
            }
            Map<String, NDArray> heads = new LinkedHashMap<>();
            if (head != null) {
                heads.putAll(head.parameters());
            }
            if (maskHead != null) {
                heads.putAll(maskHead.parameters());
            }
            if (!heads.isEmpty()) {
                write(dir.resolve(RegionHead.FILE), heads, "");
            }
            ConfigWriter.write(model.config(), dir);
            if (!optimizerState) {
                Files.deleteIfExists(dir.resolve(OPTIMIZER_FILE));
                Files.deleteIfExists(dir.resolve(STATE_FILE));
                return;
            }
            write(dir.resolve(OPTIMIZER_FILE), optimizer.state(), "");
            ObjectNode state = new ObjectMapper().createObjectNode();
            state.put("stage", options.name());
            state.put("optimizer_steps", optimizer.steps());
            state.put("micro_steps", microSteps);
            state.put("seed", options.seed());
            state.put("precision", options.precision().name());
            if (mixed()) {
                state.put("loss_scale", scaler.scale());
                state.put("loss_scale_good_steps", scaler.goodSteps());
                state.put("overflow_steps", overflows);
            }
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve(STATE_FILE).toFile(), state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Restores optimizer moments, step counters and adapters saved by {@link #save(Path, boolean)}. */
    public void resume(Path dir) {
        try {
            var state = new ObjectMapper().readTree(dir.resolve(STATE_FILE).toFile());
            Map<String, float[]> moments = readFloats(dir.resolve(OPTIMIZER_FILE));
            optimizer.restore(moments, trainable, state.path("optimizer_steps").asInt());
            microSteps = state.path("micro_steps").asInt();
            if (lora != null && Files.isRegularFile(dir.resolve(ADAPTER_FILE))) {
                lora.load(readFloats(dir.resolve(ADAPTER_FILE)));
            }
            if (mixed()) {
                // a state saved under fp32 has no scale: start from the configured one
                if (state.has("loss_scale")) {
                    scaler.restore(state.path("loss_scale").asDouble(), state.path("loss_scale_good_steps").asInt());
                    overflows = state.path("overflow_steps").asInt();
                }
                refreshWorkingCopies();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, Map<String, NDArray> tensors, String prefix) {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            float[] v = e.getValue().toType(DataType.FLOAT32, false).toFloatArray();
            entries.add(SafetensorsWriter.Entry.f32(prefix + e.getKey(), e.getValue().getShape().getShape(), v));
        }
        SafetensorsWriter.write(file, entries, Map.of("format", "pt"));
    }

    static Map<String, float[]> readFloats(Path file) {
        Map<String, float[]> out = new HashMap<>();
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(file)) {
            for (String n : c.tensorNames()) {
                FloatBuffer fb = c.data(n).asFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                out.put(n, v);
            }
        }
        return out;
    }

    @Override
    public void close() {
        trainable.values().forEach(p -> p.setRequiresGradient(false));
        optimizer.close();
        if (mixed()) {
            compute.close();
        }
    }
}
