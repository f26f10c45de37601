package io.unimllm.training.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.config.LlavaConfig;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.core.safetensors.SafetensorsWriter;
import io.unimllm.core.safetensors.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stage 2's vocabulary growth, done on the checkpoint so that any loader sees an ordinary model: appends rows for new
 * task and grounding tokens to {@code embed_tokens} and {@code lm_head}, each initialised to the mean of the existing
 * rows (as TPO does), and raises {@code vocab_size} in config.json. Every other tensor is copied unchanged (as F32).
 */
public final class VocabularyExtension {
    private VocabularyExtension() {
    }

    /**
     * Writes the extended checkpoint to {@code target}.
     *
     * @param source the checkpoint directory to extend (left unchanged)
     * @param target the directory of the extended checkpoint, created if needed
     * @param added number of new token rows
     * @throws IllegalArgumentException when {@code added} is not positive or a tensor is not floating-point
     * @throws UncheckedIOException when a file cannot be read or written
     */
    public static void extend(Path source, Path target, int added) {
        if (added <= 0) {
            throw new IllegalArgumentException("added must be positive, got " + added);
        }
        LlavaConfig config = LlavaConfig.load(source);
        int vocab = config.text().vocabSize();
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(source)) {
            for (String name : ckpt.tensorNames()) {
                TensorInfo info = ckpt.info(name);
                float[] values = floats(ckpt, info);
                long[] shape = info.shape();
                boolean vocabRows = (name.endsWith("embed_tokens.weight") || name.endsWith("lm_head.weight"))
                        && shape.length == 2 && shape[0] == vocab;
                if (vocabRows) {
                    int width = (int) shape[1];
                    float[] grown = java.util.Arrays.copyOf(values, (vocab + added) * width);
                    for (int c = 0; c < width; c++) {
                        double mean = 0;
                        for (int r = 0; r < vocab; r++) {
                            mean += values[r * width + c];
                        }
                        mean /= vocab;
                        for (int r = vocab; r < vocab + added; r++) {
                            grown[r * width + c] = (float) mean;
                        }
                    }
                    values = grown;
                    shape = new long[] {vocab + added, width};
                }
                entries.add(SafetensorsWriter.Entry.f32(name, shape, values));
            }
        }
        try {
            Files.createDirectories(target);
            SafetensorsWriter.write(target.resolve("model.safetensors"), entries, Map.of("format", "pt"));
            ObjectMapper json = new ObjectMapper();
            JsonNode root = json.readTree(source.resolve(LlavaConfig.FILE).toFile());
            ObjectNode text = root.has("text_config") ? (ObjectNode) root.get("text_config") : (ObjectNode) root;
            text.put("vocab_size", vocab + added);
            json.writerWithDefaultPrettyPrinter().writeValue(target.resolve(LlavaConfig.FILE).toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] floats(SafetensorsCheckpoint ckpt, TensorInfo info) {
        ByteBuffer data = ckpt.data(info.name()).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) info.elementCount();
        float[] out = new float[n];
        switch (info.dtype()) {
            case F32 -> {
                FloatBuffer fb = data.asFloatBuffer();
                fb.get(out);
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((data.getShort(i * 2) & 0xffff) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(data.getShort(i * 2));
                }
            }
            default -> throw new IllegalArgumentException("tensor " + info.name() + " has dtype " + info.dtype()
                    + "; only floating-point checkpoints can be extended");
        }
        return out;
    }

    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits >>> 15) << 31;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            return (sign == 0 ? 1 : -1) * mant * 0x1p-24f;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

}
