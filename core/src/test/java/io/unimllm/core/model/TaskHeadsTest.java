package io.unimllm.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.safetensors.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task heads in heads.safetensors: exact round trips, and each head loads without the other. */
class TaskHeadsTest {
    private static final int HIDDEN = 12;

    @TempDir
    Path tmp;

    private static void write(Path dir, Map<String, NDArray> tensors) throws Exception {
        Files.createDirectories(dir);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        tensors.forEach((name, a) -> entries.add(SafetensorsWriter.Entry.f32(name, a.getShape().getShape(),
                a.toFloatArray())));
        SafetensorsWriter.write(dir.resolve(MaskPromptHead.FILE), entries, Map.of("format", "pt"));
    }

    private static NDArray hidden(NDManager m) {
        float[] h = new float[3 * HIDDEN];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) Math.sin(i * 0.7) * 2;
        }
        return m.create(h, new Shape(3, HIDDEN));
    }

    @Test
    void bothHeadsRoundTripThroughOneFileWithIdenticalOutputs() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskPromptHead mask = MaskPromptHead.initialise(m, HIDDEN, 7);
            RegionHead region = RegionHead.initialise(m, HIDDEN, 8);
            // non-trivial biases so that a bias lost on the way would show
            mask.parameters().get(MaskPromptHead.PREFIX + "fc2.bias").addi(0.3f);
            Map<String, NDArray> all = new java.util.LinkedHashMap<>(region.parameters());
            all.putAll(mask.parameters());
            write(tmp, all);

            MaskPromptHead loadedMask = MaskPromptHead.load(tmp, m, DataType.FLOAT32, HIDDEN).orElseThrow();
            RegionHead loadedRegion = RegionHead.load(tmp, m, DataType.FLOAT32, HIDDEN).orElseThrow();
            float[] points = mask.apply(hidden(m)).toFloatArray();
            assertThat(points).hasSize(6);
            assertThat(loadedMask.apply(hidden(m)).toFloatArray()).containsExactly(points);
            assertThat(loadedRegion.apply(hidden(m)).toFloatArray())
                    .containsExactly(region.apply(hidden(m)).toFloatArray());
            for (float p : points) {
                assertThat(p).isBetween(0f, 1f);
            }
            // the two heads are distinct tensors, not one head read twice
            assertThat(loadedMask.parameters().keySet()).allMatch(n -> n.startsWith("mask_prompt_head.fc"));
        }
    }

    @Test
    void eachHeadLoadsWithoutTheOther() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Path regionOnly = tmp.resolve("region");
            write(regionOnly, RegionHead.initialise(m, HIDDEN, 1).parameters());
            assertThat(RegionHead.load(regionOnly, m, DataType.FLOAT32, HIDDEN)).isPresent();
            assertThat(MaskPromptHead.load(regionOnly, m, DataType.FLOAT32, HIDDEN)).isEmpty();

            Path maskOnly = tmp.resolve("mask");
            write(maskOnly, MaskPromptHead.initialise(m, HIDDEN, 1).parameters());
            assertThat(MaskPromptHead.load(maskOnly, m, DataType.FLOAT32, HIDDEN)).isPresent();
            assertThat(RegionHead.load(maskOnly, m, DataType.FLOAT32, HIDDEN)).isEmpty();

            assertThat(MaskPromptHead.load(tmp.resolve("none"), m, DataType.FLOAT32, HIDDEN)).isEmpty();
        }
    }
}
