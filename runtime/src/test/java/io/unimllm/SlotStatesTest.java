package io.unimllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.unimllm.core.safetensors.SafetensorsWriter;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.TaskResult;
import io.unimllm.router.TaskStatus;
import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.InputKind;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hidden-state slots end to end on a real (tiny) checkpoint: unimllm.json declares two slot tokens after
 * {@code <task_seg>}, the runtime keeps their last-layer hidden states during generation, and the expert gets them in
 * its request, each the state of its own slot token.
 *
 * <p>The checkpoint is built here so that its greedy answer is known: a one-layer Llama whose attention and MLP
 * outputs are zero (so the last hidden state is the final norm of the input token's embedding), one-hot embeddings,
 * and an lm_head that maps each token to its successor in the chain
 * {@code it -> <task_seg> -> <seg_0> -> <seg_1> -> red -> circle -> </task> -> </s>}. Asked "segment it", it answers
 * {@code <task_seg> <seg_0> <seg_1> red circle </task>}, and the hidden state kept at each token is that token's
 * one-hot vector times the norm's scale.
 */
class SlotStatesTest {
    /** The runtime adds the image placeholder to every tokenizer, so the vocabulary has one (unused here). */
    private static final List<String> SPECIAL = List.of("<pad>", "<s>", "</s>", "<unk>", "<task_seg>", "<seg_0>",
            "<seg_1>", "</task>", "<image>");
    private static final List<String> WORDS = List.of("segment", "it", "red", "circle");
    private static final int VOCAB = SPECIAL.size() + WORDS.size();
    private static final int HIDDEN = 16;
    private static final int FF = 8;

    private static int id(String token) {
        int i = SPECIAL.indexOf(token);
        return i >= 0 ? i : SPECIAL.size() + WORDS.indexOf(token);
    }

    /** An expert prompted by the slots' states, as VisionLLM v2's decoders are by the super-link queries. */
    private static final class SlotPromptedSegmenter implements ExpertModel {
        final AtomicReference<ExpertRequest> seen = new AtomicReference<>();

        @Override
        public ExpertDescriptor describe() {
            return new ExpertDescriptor("slot-segmenter", Set.of("segment"), Set.of(InputKind.SLOT_STATES),
                    Set.of(InputKind.SLOT_STATES), 0);
        }

        @Override
        public ExpertResult run(ExpertRequest request) {
            seen.set(request);
            return ExpertResult.ofText(request.task().slotStates().size() + " slot states");
        }
    }

    @Test
    void theSlotTokensHiddenStatesReachTheExpert(@TempDir Path dir) throws IOException {
        writeCheckpoint(dir);
        SlotPromptedSegmenter expert = new SlotPromptedSegmenter();
        try (UnifiedMllm mllm = UnifiedMllm.builder(dir).discoverExperts(false).expert(expert).build()) {
            assertThat(mllm.manifest().tasks().slots("<task_seg>")).containsExactly("<seg_0>", "<seg_1>");
            assertThat(mllm.generation().keepHiddenStatesOf())
                    .contains(id("<task_seg>"), id("<seg_0>"), id("<seg_1>"));
            assertThat(mllm.buildWarnings()).isEmpty();

            // a text-only checkpoint: the image is not in the prompt, but the answer's groundings and the experts
            // are in its pixels
            Response r = mllm.ask(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), "segment it");

            assertThat(r.rawAnswer()).isEqualTo("<task_seg> <seg_0> <seg_1> red circle </task>");
            assertThat(r.warnings()).isEmpty();
            assertThat(r.tasks()).extracting(TaskResult::status).containsExactly(TaskStatus.OK);
            assertThat(r.tasks().get(0).expert()).contains("slot-segmenter");

            Response textOnly = mllm.ask(AskRequest.of(null, "segment it"));
            assertThat(textOnly.tasks()).extracting(TaskResult::status).containsExactly(TaskStatus.NO_EXPERT);
            assertThat(textOnly.tasks().get(0).error().orElseThrow()).hasMessage("task 'segment' of a text-only "
                    + "request (no image) is not routed: experts work on an image");
        }
        TaskCall task = expert.seen.get().task();
        assertThat(task.arguments()).isEqualTo("red circle");
        assertThat(task.slots()).extracting(TaskCall.Slot::token, TaskCall.Slot::tokenIndex)
                .containsExactly(Tuple.tuple("<seg_0>", 1),
                        Tuple.tuple("<seg_1>", 2));
        // RMSNorm of a one-hot vector: 1 / sqrt(1 / 16 + eps) at the token's own index, 0 elsewhere
        float scale = (float) (1 / Math.sqrt(1.0 / HIDDEN + 1e-5));
        assertOneHot(task.hiddenState().orElseThrow(), id("<task_seg>"), scale);
        assertThat(task.slotStates()).hasSize(2);
        assertOneHot(task.slotStates().get(0), id("<seg_0>"), scale);
        assertOneHot(task.slotStates().get(1), id("<seg_1>"), scale);
    }

    private static void assertOneHot(float[] state, int index, float scale) {
        assertThat(state).hasSize(HIDDEN);
        for (int i = 0; i < HIDDEN; i++) {
            assertThat(state[i]).as("component %d", i).isCloseTo(i == index ? scale : 0f, within(1e-4f));
        }
    }

    private static void writeCheckpoint(Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "llama", "hidden_size": %d, "intermediate_size": %d, "num_hidden_layers": 1,
                 "num_attention_heads": 2, "num_key_value_heads": 2, "vocab_size": %d,
                 "max_position_embeddings": 32, "rms_norm_eps": 1e-5, "hidden_act": "silu",
                 "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0, "tie_word_embeddings": false}
                """.formatted(HIDDEN, FF, VOCAB));
        Files.writeString(dir.resolve("unimllm.json"), """
                {"chat_template": "plain", "tasks": {"<task_seg>": "segment"},
                 "slots": {"<task_seg>": ["<seg_0>", "<seg_1>"]}, "generation": {"max_new_tokens": 12}}
                """);
        writeTokenizer(dir);
        float[] embed = new float[VOCAB * HIDDEN];
        for (int i = 0; i < VOCAB; i++) {
            embed[i * HIDDEN + i] = 1;
        }
        List<String> chain = List.of("it", "<task_seg>", "<seg_0>", "<seg_1>", "red", "circle", "</task>", "</s>");
        float[] head = new float[VOCAB * HIDDEN];
        for (int x = 0; x < VOCAB; x++) {
            int k = chain.indexOf(tokenOf(x));
            int next = k >= 0 && k + 1 < chain.size() ? id(chain.get(k + 1)) : id("</s>");
            head[next * HIDDEN + x] = 1;
        }
        float[] ones = new float[HIDDEN];
        Arrays.fill(ones, 1);
        String l = "model.layers.0.";
        List<SafetensorsWriter.Entry> w = new ArrayList<>();
        w.add(SafetensorsWriter.Entry.f32("model.embed_tokens.weight", new long[] {VOCAB, HIDDEN}, embed));
        w.add(SafetensorsWriter.Entry.f32(l + "input_layernorm.weight", new long[] {HIDDEN}, ones));
        for (String p : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
            w.add(SafetensorsWriter.Entry.f32(l + "self_attn." + p + ".weight", new long[] {HIDDEN, HIDDEN},
                    new float[HIDDEN * HIDDEN]));
        }
        w.add(SafetensorsWriter.Entry.f32(l + "post_attention_layernorm.weight", new long[] {HIDDEN}, ones));
        w.add(SafetensorsWriter.Entry.f32(l + "mlp.gate_proj.weight", new long[] {FF, HIDDEN}, new float[FF * HIDDEN]));
        w.add(SafetensorsWriter.Entry.f32(l + "mlp.up_proj.weight", new long[] {FF, HIDDEN}, new float[FF * HIDDEN]));
        w.add(SafetensorsWriter.Entry.f32(l + "mlp.down_proj.weight", new long[] {HIDDEN, FF}, new float[FF * HIDDEN]));
        w.add(SafetensorsWriter.Entry.f32("model.norm.weight", new long[] {HIDDEN}, ones));
        w.add(SafetensorsWriter.Entry.f32("lm_head.weight", new long[] {VOCAB, HIDDEN}, head));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), w, Map.of("format", "pt"));
    }

    private static String tokenOf(int id) {
        return id < SPECIAL.size() ? SPECIAL.get(id) : WORDS.get(id - SPECIAL.size());
    }

    /** A WordLevel tokenizer.json: the special tokens as added tokens, words split on whitespace. */
    private static void writeTokenizer(Path dir) throws IOException {
        StringBuilder added = new StringBuilder();
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < VOCAB; i++) {
            String t = tokenOf(i);
            if (i < SPECIAL.size()) {
                added.append(added.length() == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"content\":\"")
                        .append(t).append("\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,")
                        .append("\"normalized\":false,\"special\":true}");
            }
            vocab.append(i == 0 ? "" : ",").append('"').append(t).append("\":").append(i);
        }
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
                + "\"added_tokens\":[" + added + "],\"normalizer\":null,"
                + "\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},"
                + "\"post_processor\":null,\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab
                + "},\"unk_token\":\"<unk>\"}}");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\":\"<s>\",\"eos_token\":\"</s>\","
                + "\"unk_token\":\"<unk>\",\"pad_token\":\"<pad>\",\"add_bos_token\":true,"
                + "\"tokenizer_class\":\"PreTrainedTokenizerFast\"}");
    }
}
