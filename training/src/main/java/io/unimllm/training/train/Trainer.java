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
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.config.ConfigWriter;
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
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** Adapter tensors of an unmerged checkpoint. */
    public static final String ADAPTER_FILE = "adapter_model.safetensors";
    private static final String STATE_FILE = "trainer_state.json";
    private static final String OPTIMIZER_FILE = "optimizer.safetensors";

    private final LlavaModel model;
    private final TrainingOptions options;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final LoraAdapters lora;
    private final RegionHead head;
    private final MaskPromptHead maskHead;
    private final AdamW optimizer;
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
     */
    public Trainer(LlavaModel model, TrainingOptions options, Path checkpointDir) {
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
        trainable.values().forEach(p -> p.setRequiresGradient(true));
        optimizer = new AdamW(model.manager(), options.weightDecay());
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

    /** The tensors this stage trains, by checkpoint name. */
    public Map<String, NDArray> trainable() {
        return trainable;
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
        double lr = options.schedule().at(optimizer.steps());
        double[] parts = new double[3];
        double total;
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            NDManager m = model.manager();
            TrainingForward.Output out = TrainingForward.run(model, batch, m);
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
            gc.backward(loss.div(options.accumulation()));
        }
        microSteps++;
        if (microSteps % options.accumulation() == 0) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (clip()) {
                    optimizer.step(trainable, lr);
                }
                for (NDArray p : trainable.values()) {
                    NDArray g = p.getGradient();
                    g.subi(g);
                }
            }
        }
        return new StepResult(optimizer.steps(), total, parts[0], parts[1], parts[2], lr, batch.supervisedTokens());
    }

    /** Loss on a batch without updating anything (for validation). */
    public double loss(TrainingBatch batch) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDManager m = model.manager();
            TrainingForward.Output out = TrainingForward.run(model, batch, m);
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
            TrainingForward.Output out = TrainingForward.run(model, batch, m);
            HeadInputs in = headInputs(out.hidden(), batch.regionTokenIndex(), batch.pointTargets(), 2, m);
            return in == null ? Double.NaN
                    : Losses.point(maskHead.apply(in.hidden()).toType(DataType.FLOAT32, false), in.targets())
                            .getFloat();
        }
    }

    private NDArray regionLoss(NDArray hidden, TrainingBatch batch, NDManager m) {
        if (head == null || !options.regionHead()) {
            return null;
        }
        HeadInputs in = headInputs(hidden, batch.regionTokenIndex(), batch.regionTargets(), 4, m);
        return in == null ? null
                : Losses.region(head.apply(in.hidden()).toType(DataType.FLOAT32, false), in.targets());
    }

    private NDArray pointLoss(NDArray hidden, TrainingBatch batch, NDManager m) {
        if (maskHead == null || !options.maskPromptHead()) {
            return null;
        }
        HeadInputs in = headInputs(hidden, batch.regionTokenIndex(), batch.pointTargets(), 2, m);
        return in == null ? null
                : Losses.point(maskHead.apply(in.hidden()).toType(DataType.FLOAT32, false), in.targets());
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

    /** Clips the global gradient norm; false (and gradients zeroed) when it is not finite. */
    private boolean clip() {
        // per tensor: max|g| * ||g / max|g|||, combined in double, so that large but finite gradients do not
        // overflow fp32 when squared (that would look non-finite and stall training)
        double sq = 0;
        int repaired = 0;
        for (NDArray p : trainable.values()) {
            NDArray g = p.getGradient().toType(DataType.FLOAT32, false);
            double max = g.abs().max().getFloat();
            if (!Double.isFinite(max)) {
                // a few overflowed elements (inf, or NaN from inf - inf) must not freeze the whole model: they are
                // zeroed, the rest of the gradient is kept, and the step is counted as repaired
                NDArray grad = p.getGradient();
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
            lastSkip = "non-finite gradient in " + trainable.entrySet().stream()
                    .filter(e -> !Double.isFinite(e.getValue().getGradient().toType(DataType.FLOAT32, false).abs()
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
            for (NDArray p : trainable.values()) {
                p.getGradient().muli(factor);
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
    }
}
