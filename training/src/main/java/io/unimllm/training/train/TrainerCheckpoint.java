package io.unimllm.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * The files of a {@link Trainer}'s checkpoint: {@value #MODEL_FILE}, {@value Trainer#ADAPTER_FILE},
 * {@code heads.safetensors} and {@code config.json} for the model, {@value #OPTIMIZER_FILE} and {@value #STATE_FILE}
 * for resuming. It reads and writes the trainer's parts and owns none of them.
 */
final class TrainerCheckpoint {
    /** The model's weights, LoRA merged or not. */
    static final String MODEL_FILE = "model.safetensors";
    /** Step counters, seed, precision and, under mixed precision, the loss scale. */
    static final String STATE_FILE = "trainer_state.json";
    /** AdamW's moments. */
    static final String OPTIMIZER_FILE = "optimizer.safetensors";

    private final LlavaModel model;
    private final TrainingOptions options;
    private final Map<String, NDArray> trainable;
    private final LoraAdapters lora;
    private final RegionHead head;
    private final MaskPromptHead maskHead;
    private final AdamW optimizer;
    private final MixedPrecision mixed;

    /**
     * The checkpoint of a trainer made of these parts.
     *
     * @param model the trained model (fp32 masters under mixed precision)
     * @param options the stage's options
     * @param trainable the tensors that train, by name
     * @param lora the adapters, or null
     * @param head the region head, or null
     * @param maskHead the mask-prompt head, or null
     * @param optimizer the optimizer whose moments and step count are saved
     * @param mixed the fp16 side under mixed precision, or null under fp32
     */
    TrainerCheckpoint(LlavaModel model, TrainingOptions options, Map<String, NDArray> trainable, LoraAdapters lora,
            RegionHead head, MaskPromptHead maskHead, AdamW optimizer, MixedPrecision mixed) {
        this.model = model;
        this.options = options;
        this.trainable = trainable;
        this.lora = lora;
        this.head = head;
        this.maskHead = maskHead;
        this.optimizer = optimizer;
        this.mixed = mixed;
    }

    /**
     * Writes the checkpoint described by {@link Trainer#save(Path, boolean, boolean)}.
     *
     * @param dir the directory, created when missing
     * @param mergeLora fold the adapters into the base weights (in place) instead of writing the adapter file
     * @param optimizerState write the optimizer and trainer state; false removes those of an earlier save
     * @param microSteps the micro-batches stepped so far, for the trainer state
     */
    void save(Path dir, boolean mergeLora, boolean optimizerState, int microSteps) {
        try {
            Files.createDirectories(dir);
            if (lora != null && mergeLora) {
                lora.merge();
                if (mixed != null) {
                    mixed.refreshWorkingCopies();
                }
            }
            write(dir.resolve(MODEL_FILE), model.parameters());
            if (lora != null && !mergeLora) {
                write(dir.resolve(Trainer.ADAPTER_FILE), lora.parameters());
            }
            Map<String, NDArray> heads = new LinkedHashMap<>();
            if (head != null) {
                heads.putAll(head.parameters());
            }
            if (maskHead != null) {
                heads.putAll(maskHead.parameters());
            }
            if (!heads.isEmpty()) {
                write(dir.resolve(RegionHead.FILE), heads);
            }
            ConfigWriter.write(model.config(), dir);
            if (!optimizerState) {
                Files.deleteIfExists(dir.resolve(OPTIMIZER_FILE));
                Files.deleteIfExists(dir.resolve(STATE_FILE));
                return;
            }
            write(dir.resolve(OPTIMIZER_FILE), optimizer.state());
            ObjectNode state = new ObjectMapper().createObjectNode();
            state.put("stage", options.name());
            state.put("optimizer_steps", optimizer.steps());
            state.put("micro_steps", microSteps);
            state.put("seed", options.seed());
            state.put("precision", options.precision().name());
            if (mixed != null) {
                state.put("loss_scale", mixed.lossScale());
                state.put("loss_scale_good_steps", mixed.goodSteps());
                state.put("overflow_steps", mixed.overflowSteps());
            }
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve(STATE_FILE).toFile(), state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Restores the optimizer's moments and step count, the adapters (when saved unmerged) and, under mixed precision,
     * the loss scale, then re-synchronises the fp16 working copies.
     *
     * @param dir a directory written by {@link #save} with the optimizer state
     * @return the micro-batch count saved with the checkpoint
     */
    int resume(Path dir) {
        try {
            JsonNode state = new ObjectMapper().readTree(dir.resolve(STATE_FILE).toFile());
            Map<String, float[]> moments = readFloats(dir.resolve(OPTIMIZER_FILE));
            optimizer.restore(moments, trainable, state.path("optimizer_steps").asInt());
            int microSteps = state.path("micro_steps").asInt();
            if (lora != null && Files.isRegularFile(dir.resolve(Trainer.ADAPTER_FILE))) {
                lora.load(readFloats(dir.resolve(Trainer.ADAPTER_FILE)));
            }
            if (mixed != null) {
                // a state saved under fp32 has no scale: start from the configured one
                if (state.has("loss_scale")) {
                    mixed.restore(state.path("loss_scale").asDouble(), state.path("loss_scale_good_steps").asInt(),
                            state.path("overflow_steps").asInt());
                }
                mixed.refreshWorkingCopies();
            }
            return microSteps;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, Map<String, NDArray> tensors) {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            float[] v = e.getValue().toType(DataType.FLOAT32, false).toFloatArray();
            entries.add(SafetensorsWriter.Entry.f32(e.getKey(), e.getValue().getShape().getShape(), v));
        }
        SafetensorsWriter.write(file, entries, Map.of("format", "pt"));
    }

    /** Every tensor of an fp32 safetensors file, by name. */
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
}
