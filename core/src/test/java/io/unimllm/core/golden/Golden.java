package io.unimllm.core.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.core.safetensors.TensorDType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reference outputs written by tools/golden/make_tiny_llava.py (plain PyTorch) for one tiny checkpoint.
 *
 * @param dir the checkpoint directory
 * @param arrays reference tensors as float arrays, by name
 * @param json token-level references (prompt ids, greedy continuations)
 */
record Golden(Path dir, Map<String, float[]> arrays, JsonNode json) {

    /** Names of the fixture checkpoints under test resources {@code golden/}. */
    static final String[] MODELS = {
        "tiny-llava", "tiny-llava-tied", "tiny-llava-qwen2", "tiny-llava-qwen2-tied"};

    static Path dir(String model) {
        try {
            return Path.of(Golden.class.getResource("/golden/" + model + "/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Golden load(String model) {
        Path dir = dir(model);
        Map<String, float[]> arrays = new TreeMap<>();
        try (SafetensorsCheckpoint ref = SafetensorsCheckpoint.open(dir.resolve("reference.safetensors"))) {
            for (String name : ref.tensorNames()) {
                if (ref.info(name).dtype() != TensorDType.F32) {
                    throw new IllegalStateException("reference " + name + " is not F32");
                }
                FloatBuffer fb = ref.data(name).asFloatBuffer();
                float[] values = new float[fb.remaining()];
                fb.get(values);
                arrays.put(name, values);
            }
        }
        try {
            return new Golden(dir, arrays, new ObjectMapper().readTree(dir.resolve("reference.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    float[] array(String name) {
        float[] a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no reference array " + name);
        }
        return a;
    }

    static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
