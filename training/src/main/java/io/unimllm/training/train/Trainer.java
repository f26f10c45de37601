package io.unimllm.training.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.unimllm.core.model.Casts;
import io.unimllm.core.model.DecoderPlan;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.MaskPromptHead;
import io.unimllm.core.model.RegionHead;
import java.nio.file.Path;
import java.util.ArrayList;
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
 *
 * <p>The trainer owns, and {@link #close()} closes, the optimizer's state and, under mixed precision, the fp16 copy
 * with its gradients; the model, its adapters and heads stay the caller's.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** Adapter tensors of an unmerged checkpoint. */
    public static final String ADAPTER_FILE = "adapter_model.safetensors";

    private static final String NOT_TRAINABLE = "the Trainer needs a model loaded for training: "
            + "LoadOptions.builder().plan(DecoderPlan.training()); this one was loaded with %s, whose stacked "
            + "projections do not pass gradients to each projection's weight and whose packed weights for batches "
            + "(packedWeights) training would leave stale";
    private final LlavaModel model;
    private final TrainingOptions options;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final RegionHead head;
    private final MaskPromptHead maskHead;
    /** Owned: the AdamW moments. */
    private final AdamW optimizer;
    /** Owned under mixed precision: the fp16 copy, master gradients and loss scale; null under fp32. */
    private final MixedPrecision mixed;
    /** What the forward runs on: the fp16 copies under mixed precision, else the model and heads themselves. */
    private final LlavaModel compute;
    private final RegionHead computeHead;
    private final MaskPromptHead computeMaskHead;
    private final TrainerCheckpoint checkpoint;
    private int microSteps;
    private int skipped;
    private int repaired;
    private String lastSkip = "";

    /**
     * Result of one micro-batch.
     *
     * @param optimizerStep optimizer steps taken after this micro-batch
     * @param loss the weighted total
     * @param lmLoss the language-model part
     * @param regionLoss the region head's loss (0 when the batch or stage has none)
     * @param pointLoss the mask-prompt head's point loss (0 when the batch or stage has none)
     * @param lr the learning rate of the optimizer step this micro-batch belongs to
     * @param tokens the supervised tokens of the batch
     */
    public record StepResult(int optimizerStep, double loss, double lmLoss, double regionLoss, double pointLoss,
            double lr, int tokens) {
    }

    /**
     * Prepares {@code model} for the stage: marks the selected tensors trainable, inserts LoRA adapters and the task
     * heads the stage trains (region, mask-prompt), each loaded from {@code heads.safetensors} when the checkpoint has
     * it, else freshly initialised. Heads the stage does not train are still loaded when present, and saved again.
     *
     * @param model the model to train, loaded with {@link DecoderPlan#training()}
     * @param options the stage's options
     * @param checkpointDir where to load saved heads from, or null
     * @throws IllegalArgumentException when the model's decoder plan is not {@linkplain DecoderPlan#trainable()
     *     trainable} (stacked projections, or packed weight copies that would go stale), when the stage selects no
     *     tensor, or when mixed precision is asked for a model not loaded in fp32
     */
    public Trainer(LlavaModel model, TrainingOptions options, Path checkpointDir) {
        if (!model.decoder().plan().trainable()) {
            throw new IllegalArgumentException(String.format(NOT_TRAINABLE, model.decoder().plan()));
        }
        this.model = model;
        this.options = options;
        Engine.getInstance().setRandomSeed((int) options.seed());
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            if (options.trains(e.getKey())) {
                trainable.put(e.getKey(), e.getValue());
            }
        }
        LoraAdapters lora = null;
        if (options.lora() != null) {
            lora = LoraAdapters.insert(model, options.lora(), decoderPrefix(model), options.seed());
            trainable.putAll(lora.parameters());
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
        if (options.precision() == TrainingOptions.Precision.FP16_MIXED) {
            mixed = new MixedPrecision(model, trainable, lora, head, maskHead, options.lossScale());
            compute = mixed.model();
            computeHead = mixed.regionHead();
            computeMaskHead = mixed.maskPromptHead();
        } else {
            mixed = null;
            compute = model;
            computeHead = head;
            computeMaskHead = maskHead;
            trainable.values().forEach(p -> p.setRequiresGradient(true));
        }
        optimizer = new AdamW(model.manager(), options.weightDecay());
        checkpoint = new TrainerCheckpoint(model, options, trainable, lora, head, maskHead, optimizer, mixed);
        LOG.debug("stage {}: {} trainable tensors", options.name(), trainable.size());
    }

    static String decoderPrefix(LlavaModel model) {
        for (String name : model.parameters().keySet()) {
            if (name.endsWith("embed_tokens.weight")) {
                return name.substring(0, name.length() - "embed_tokens.weight".length());
            }
        }
        throw new IllegalStateException("model has no embed_tokens weight");
    }

    /**
     * The tensors this stage trains, by checkpoint name (the fp32 masters under mixed precision).
     *
     * @return the live map; its arrays are updated in place
     */
    public Map<String, NDArray> trainable() {
        return trainable;
    }

    /**
     * The fp16 working copies of the trainable tensors under mixed precision.
     *
     * @return an unmodifiable view by name; empty under fp32
     */
    public Map<String, NDArray> workingCopies() {
        return mixed == null ? Map.of() : mixed.workingCopies();
    }

    /**
     * The current dynamic loss scale.
     *
     * @return the scale under mixed precision; 1 under fp32
     */
    public double lossScale() {
        return mixed == null ? 1 : mixed.lossScale();
    }

    /**
     * Updates skipped under mixed precision because the fp16 gradients overflowed (the loss scale backed off).
     *
     * @return the count; 0 under fp32
     */
    public int overflowSteps() {
        return mixed == null ? 0 : mixed.overflowSteps();
    }

    /**
     * The gradients accumulated since the last update, unscaled, as fp32 copies by name (for tests; owned by the
     * caller's scope).
     */
    Map<String, NDArray> pendingGradients() {
        if (mixed != null) {
            return mixed.pendingGradients();
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        trainable.forEach((k, p) -> out.put(k, p.getGradient().toType(DataType.FLOAT32, true)));
        return out;
    }

    /**
     * Optimizer steps taken.
     *
     * @return the count, restored by {@link #resume}
     */
    public int optimizerSteps() {
        return optimizer.steps();
    }

    /**
     * The region head, when the stage has or loaded one.
     *
     * @return the head, or empty
     */
    public Optional<RegionHead> regionHead() {
        return Optional.ofNullable(head);
    }

    /**
     * The mask-prompt head, when the stage has or loaded one.
     *
     * @return the head, or empty
     */
    public Optional<MaskPromptHead> maskPromptHead() {
        return Optional.ofNullable(maskHead);
    }

    /**
     * Forward + backward of one micro-batch; every {@code accumulation} micro-batches, clips the gradients and
     * updates the parameters. A batch whose loss is not finite is skipped ({@link #skippedSteps()}).
     *
     * @param batch the micro-batch
     * @return its losses, the learning rate and the optimizer steps taken so far
     */
    public StepResult step(TrainingBatch batch) {
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
            if (mixed != null) {
                gc.backward(mixed.scaleLoss(loss, options.accumulation()));
            } else {
                gc.backward(loss.div(options.accumulation()));
            }
        }
        if (mixed != null) {
            mixed.accumulateGradients();
        }
        microSteps++;
        if (microSteps % options.accumulation() == 0) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (mixed != null) {
                    mixedUpdate(lr);
                } else {
                    update(lr);
                }
            }
        }
        return new StepResult(optimizer.steps(), total, parts[0], parts[1], parts[2], lr, batch.supervisedTokens());
    }

    /** The fp32 update: clip the autograd gradients, update the parameters, zero the gradients. */
    private void update(double lr) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        trainable.forEach((k, p) -> grads.put(k, p.getGradient()));
        if (clip(grads)) {
            optimizer.step(trainable, grads, lr);
        }
        for (NDArray g : grads.values()) {
            g.subi(g);
        }
    }

    /**
     * The mixed-precision update: unscale the accumulated gradients; on any inf/NaN skip the update and back the
     * scale off, else clip, update the fp32 masters, copy them into the fp16 working copies and let the scale grow.
     */
    private void mixedUpdate(double lr) {
        double scale = mixed.lossScale();
        if (!mixed.unscaleGradients()) {
            lastSkip = "fp16 gradient overflow at loss scale " + scale + " at step " + optimizer.steps()
                    + "; update skipped, scale now " + mixed.lossScale();
            LOG.debug(lastSkip);
            return;
        }
        boolean applied = clip(mixed.gradients());
        if (applied) {
            optimizer.step(trainable, mixed.gradients(), lr);
        }
        mixed.finishUpdate(applied);
    }

    /**
     * Loss on a batch without updating anything (for validation).
     *
     * @param batch the batch
     * @return the weighted total of the stage's losses
     */
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

    /**
     * The mask-prompt head's point loss alone on a batch (no update).
     *
     * @param batch the batch
     * @return the loss; NaN when the batch has no point target
     * @throws IllegalStateException when the trainer has no mask-prompt head
     */
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

    /**
     * Clips the global gradient norm of {@code grads} in place ({@link GradientClipping}) and records what was
     * repaired or why the update is skipped.
     *
     * @return false when the norm is not finite and the update must be skipped
     */
    private boolean clip(Map<String, NDArray> grads) {
        GradientClipping.Result r = GradientClipping.clip(grads, options.clipNorm());
        if (r.repairedTensors() > 0) {
            repaired++;
            lastSkip = "non-finite gradient elements zeroed in " + r.repairedTensors() + " tensor(s) at step "
                    + optimizer.steps();
        }
        if (!r.finite()) {
            lastSkip = "non-finite gradient in " + r.nonFinite();
            skipped++;
            LOG.warn("non-finite gradient norm at step {}; update skipped ({} so far)", optimizer.steps(), skipped);
            return false;
        }
        return true;
    }

    /**
     * Why the last skipped or repaired step was skipped or repaired.
     *
     * @return the reason; empty when no step was
     */
    public String lastSkipReason() {
        return lastSkip;
    }

    /**
     * Updates in which some non-finite gradient elements were zeroed (the rest applied).
     *
     * @return the count
     */
    public int repairedSteps() {
        return repaired;
    }

    /**
     * Batches or updates skipped because of a non-finite loss or gradient.
     *
     * @return the count
     */
    public int skippedSteps() {
        return skipped;
    }

    /**
     * Writes a checkpoint loadable by {@code LlavaModel.load}: config.json, model.safetensors (LoRA merged when
     * {@code mergeLora}, else the base weights plus {@value #ADAPTER_FILE}), heads.safetensors (region and
     * mask-prompt heads, whichever exist), and the optimizer and trainer state for {@link #resume}. Files other than
     * these (tokenizer, unimllm.json) are the caller's.
     *
     * @param dir the checkpoint directory, created when missing
     * @param mergeLora fold the adapters into the base weights (in place; they then contribute nothing)
     * @throws java.io.UncheckedIOException when a file cannot be written
     */
    public void save(Path dir, boolean mergeLora) {
        save(dir, mergeLora, true);
    }

    /**
     * As {@link #save(Path, boolean)}; without {@code optimizerState} only what inference needs is written (an
     * exported model), and optimizer/trainer state files of an earlier save are removed.
     *
     * @param dir the checkpoint directory, created when missing
     * @param mergeLora fold the adapters into the base weights (in place; they then contribute nothing)
     * @param optimizerState write the optimizer and trainer state for {@link #resume}
     * @throws java.io.UncheckedIOException when a file cannot be written
     */
    public void save(Path dir, boolean mergeLora, boolean optimizerState) {
        checkpoint.save(dir, mergeLora, optimizerState, microSteps);
    }

    /**
     * Restores optimizer moments, step counters, adapters and (under mixed precision) the loss scale saved by
     * {@link #save(Path, boolean)}.
     *
     * @param dir a checkpoint directory saved with its optimizer state
     * @throws java.io.UncheckedIOException when a file cannot be read
     */
    public void resume(Path dir) {
        microSteps = checkpoint.resume(dir);
    }

    /** Every tensor of an fp32 safetensors file, by name (for tests). */
    static Map<String, float[]> readFloats(Path file) {
        return TrainerCheckpoint.readFloats(file);
    }

    /** Stops gradients on the trainable tensors and frees the optimizer state and, if any, the fp16 copy. */
    @Override
    public void close() {
        trainable.values().forEach(p -> p.setRequiresGradient(false));
        optimizer.close();
        if (mixed != null) {
            mixed.close();
        }
    }
}
