package io.unimllm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.core.Fixtures;
import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.core.generate.Generator;
import io.unimllm.core.generate.Prompt;
import io.unimllm.core.generate.TokenListener;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.protocol.UnimllmException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Native memory: requests of every kind (image, batch, sampling, no cache, kept hidden states, refused prompts) leave
 * no array behind in the model's manager, and the loaded weights own their memory, so a garbage collection that
 * unmaps the checkpoint or frees Java buffers cannot change what the model computes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NativeMemoryTest {
    private static final LoadOptions CPU = LoadOptions.builder().device(Device.cpu()).build();

    private LlavaModel model;
    private Generator generator;
    private float[] pixels;
    private JsonNode reference;

    @BeforeAll
    void load() throws IOException {
        model = LlavaModel.load(Fixtures.golden("tiny-llava"), CPU);
        generator = new Generator(model);
        pixels = firstImage("tiny-llava");
        reference = new ObjectMapper().readTree(Fixtures.golden("tiny-llava").resolve("reference.json").toFile());
    }

    @AfterAll
    void close() {
        model.close();
    }

    private static float[] firstImage(String fixture) {
        try (SafetensorsCheckpoint ref = SafetensorsCheckpoint.open(
                Fixtures.golden(fixture).resolve("reference.safetensors"))) {
            float[] px = new float[3 * 16 * 16];
            ref.data("pixel_values").asFloatBuffer().get(px);
            return px;
        }
    }

    private static float[] referenceArray(String fixture, String name) {
        try (SafetensorsCheckpoint ref = SafetensorsCheckpoint.open(
                Fixtures.golden(fixture).resolve("reference.safetensors"))) {
            FloatBuffer fb = ref.data(name).asFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }

    private static int[] ints(JsonNode node) {
        return IntStream.range(0, node.size()).map(i -> node.get(i).asInt()).toArray();
    }

    private Prompt imagePrompt() {
        return new Prompt(ints(reference.get("image_prompt").get("ids")), List.of(pixels));
    }

    private List<Prompt> textPrompts() {
        List<Prompt> out = new ArrayList<>();
        reference.get("text_prompts").forEach(p -> out.add(Prompt.text(ints(p.get("ids")))));
        return out;
    }

    /** Arrays alive in the model's manager and, recursively, its sub-managers. */
    private int liveArrays() {
        return ((BaseNDManager) model.manager()).getManagedArrays().size();
    }

    /** Request number {@code i} of a rotating mix of every kind of work a caller can ask for. */
    private void request(int i) {
        switch (i % 7) {
            case 0 -> generator.generate(imagePrompt(), GenerationConfig.builder().maxNewTokens(4).build(),
                    TokenListener.none());
            case 1 -> generator.generate(textPrompts(), GenerationConfig.builder().maxNewTokens(3).ignoreEos(true)
                    .build(), TokenListener.none());
            case 2 -> generator.generate(imagePrompt(), GenerationConfig.builder().maxNewTokens(4).temperature(0.9)
                    .topK(20).topP(0.9).repetitionPenalty(1.2).seed(i).build(), TokenListener.none());
            case 3 -> generator.promptLogits(imagePrompt());
            case 4 -> generator.generate(imagePrompt(), GenerationConfig.builder().maxNewTokens(2).useCache(false)
                    .keepHiddenStatesOf(Set.of(ints(reference.get("image_prompt").get("greedy"))[0])).build(),
                    TokenListener.none());
            case 5 -> assertThatThrownBy(() -> generator.generate(List.of(imagePrompt(), Prompt.text(1, 150)),
                    GenerationConfig.greedy(2), TokenListener.none())).isInstanceOf(UnimllmException.class);
            default -> generator.generate(textPrompts().get(0), GenerationConfig.greedy(12),
                    (row, token) -> token % 5 != 0);
        }
    }

    @Test
    void theCounterSeesArraysOfSubManagers() {
        // guards the leak test: an array left in a sub-manager must show up in the count
        int before = liveArrays();
        try (NDManager sub = model.manager().newSubManager()) {
            sub.create(new float[] {1, 2});
            assertThat(liveArrays()).isEqualTo(before + 1);
        }
        assertThat(liveArrays()).isEqualTo(before);
    }

    @Test
    void requestsLeaveNoNativeArraysBehind() {
        for (int i = 0; i < 5; i++) {
            request(i); // warm-up: lazily created state (rotary tables, caches) may appear here once
        }
        int before = liveArrays();
        for (int i = 0; i < 40; i++) {
            request(i);
        }
        assertThat(liveArrays()).as("arrays alive after 40 more requests").isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llava", "tiny-llava-tied"})
    void garbageCollectionDoesNotChangeTheWeights(String fixture) throws IOException {
        // tiny-llava: fp32 weights read from a mapped file; tiny-llava-tied: bf16 widened into Java float arrays
        Path dir = Fixtures.golden(fixture);
        JsonNode ref = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
        Prompt prompt = new Prompt(ints(ref.get("image_prompt").get("ids")), List.of(firstImage(fixture)));
        try (LlavaModel fresh = LlavaModel.load(dir, CPU)) {
            Generator gen = new Generator(fresh);
            float[] before = gen.promptLogits(prompt);
            for (int round = 0; round < 3; round++) {
                List<byte[]> garbage = new ArrayList<>();
                for (int k = 0; k < 64; k++) {
                    byte[] junk = new byte[1 << 20];
                    Arrays.fill(junk, (byte) (0x5A + k));
                    garbage.add(junk);
                }
                garbage.clear();
                System.gc();
                System.runFinalization();
            }
            float[] after = gen.promptLogits(prompt);
            assertThat(after).containsExactly(before);
            float[] golden = referenceArray(fixture, "prefill_logits");
            float maxDiff = 0;
            for (int i = 0; i < golden.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(after[i] - golden[i]));
            }
            assertThat(maxDiff).as("still PyTorch's logits").isLessThan(1e-4f);
        }
    }
}
