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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a loaded {@link LlavaModel} in place with DJL's PyTorch autograd: language-model loss on assistant tokens
 * plus, optionally, a TPO-style region loss; AdamW with warm-up + cosine schedule, global gradient clipping and
 * gradient accumulation. Which tensors train is decided by {@link TrainingOptions}; frozen tensors never change.
 * Checkpoints use the same safetensors + config.json layout the model was loaded from.
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
    private final AdamW optimizer;
    private int microSteps;
    private int skipped;
    private int repaired;
    private String lastSkip = "";

    /** Result of one micro-batch. */
    public record StepResult(int optimizerStep, double loss, double lmLoss, double regionLoss, double lr,
            int tokens) {
    }

    /**
     * Prepares {@code model} for the stage: marks the selected tensors trainable, inserts LoRA adapters and a region
     * head (loaded from {@code heads.safetensors} when the checkpoint has one, else freshly initialised).
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
        if (options.regionHead()) {
            int hidden = model.config().text().hiddenSize();
            head = (checkpointDir == null ? java.util.Optional.<RegionHead>empty()
                    : RegionHead.load(checkpointDir, model.manager(), model.dtype(), hidden))
                    .orElseGet(() -> RegionHead.initialise(model.manager(), hidden, options.seed()));
            trainable.putAll(head.parameters());
        } else {
            head = checkpointDir == null ? null
                    : RegionHead.load(checkpointDir, model.manager(), model.dtype(),
                            model.config().text().hiddenSize()).orElse(null);
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
    public java.util.Optional<RegionHead> regionHead() {
        return java.util.Optional.ofNullable(head);
    }

    /**
     * Forward + backward of one micro-batch; every {@code accumulation} micro-batches, clips the gradients and
     * updates the parameters.
     */
    public StepResult step(TrainingBatch batch) {
        double lr = options.schedule().at(optimizer.steps());
        double[] parts = new double[2];
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
            total = loss.getFloat();
            if (!Double.isFinite(total)) {
                // a non-finite loss would poison every weight through AdamW: skip the batch, keep the model
                lastSkip = "non-finite loss (lm " + parts[0] + ", region " + parts[1] + ")";
                skipped++;
                LOG.warn("non-finite loss {} at step {}; batch skipped ({} so far)", total, optimizer.steps(),
                        skipped);
                return new StepResult(optimizer.steps(), total, parts[0], parts[1], lr, batch.supervisedTokens());
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
        return new StepResult(optimizer.steps(), total, parts[0], parts[1], lr, batch.supervisedTokens());
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
            return loss.getFloat();
        }
    }

    private NDArray regionLoss(NDArray hidden, TrainingBatch batch, NDManager m) {
        if (head == null || !options.regionHead() || batch.regionTargets() == null) {
            return null;
        }
        List<NDArray> rows = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            int idx = batch.regionTokenIndex() == null ? -1 : batch.regionTokenIndex()[i];
            float[] target = batch.regionTargets()[i];
            if (idx >= 0 && target != null) {
                rows.add(hidden.get(i).get(idx).expandDims(0));
                targets.add(target);
            }
        }
        if (rows.isEmpty()) {
            return null;
        }
        float[] flat = new float[targets.size() * 4];
        for (int i = 0; i < targets.size(); i++) {
            System.arraycopy(targets.get(i), 0, flat, i * 4, 4);
        }
        NDArray predicted = head.apply(NDArrays.concat(new NDList(rows), 0)).toType(DataType.FLOAT32, false);
        return Losses.region(predicted, m.create(flat, new Shape(targets.size(), 4)));
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
     * {@code mergeLora}, else the base weights plus {@value #ADAPTER_FILE}), heads.safetensors, and the optimizer
     * and trainer state for {@link #resume}. Files other than these (tokenizer, unimllm.json) are the caller's.
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
            if (head != null) {
                write(dir.resolve(RegionHead.FILE), head.parameters(), "");
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
