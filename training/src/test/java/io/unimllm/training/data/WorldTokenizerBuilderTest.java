package io.unimllm.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.unimllm.training.world.synth.Phrasings;
import io.unimllm.training.world.synth.Sample;
import io.unimllm.training.world.synth.WorldConfig;
import io.unimllm.training.world.synth.WorldSplit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldTokenizerBuilderTest {
    @TempDir
    static Path dir;
    static HuggingFaceTokenizer tokenizer;
    static Map<String, Integer> vocab;

    @BeforeAll
    static void load() throws Exception {
        WorldTokenizerBuilder b = WorldTokenizerBuilder.forWorld();
        vocab = b.vocabulary();
        b.write(dir);
        tokenizer = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static List<String> tokens(String text) {
        return Arrays.asList(tokenizer.encode(text, false, false).getTokens());
    }

    private static String roundTrip(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        return tokenizer.decode(e.getIds(), false);
    }

    @Test
    void boxAnswerBecomesProtocolTokensDigitsAndCommas() {
        assertThat(tokens("<task_seg>red circle</task><box>120,80,360,400</box>")).containsExactly("<task_seg>",
                "red", "\u2581circle", "</task>", "<box>", "1", "2", "0", ",", "8", "0", ",", "3", "6", "0", ",", "4",
                "0", "0", "</box>");
        long[] ids = tokenizer.encode("<box>1,2</box>", false, false).getIds();
        assertThat(ids).containsExactly(vocab.get("<box>"), vocab.get("1"), vocab.get(","), vocab.get("2"),
                vocab.get("</box>"));
    }

    @Test
    void everyPhrasingAndAnswerRoundTripsExactly() {
        List<String> texts = new ArrayList<>(Phrasings.allTexts());
        for (Sample s : WorldSplit.generate(WorldConfig.builder().imageSize(48).build(), 1, 300, 0, 300).train()) {
            texts.add("<image>\n" + s.instruction());
            texts.add(s.answer());
        }
        for (String t : texts) {
            assertThat(roundTrip(t)).as("round trip of %s", t).isEqualTo(t);
            assertThat(tokens(t)).as("tokens of %s", t).doesNotContain("<unk>");
        }
    }

    @Test
    void testSplitTextsAreInTheVocabularyToo() {
        for (Sample s : WorldSplit.generate(WorldConfig.builder().imageSize(64).build(), 2, 0, 0, 300).test()) {
            assertThat(tokens(s.instruction())).as(s.instruction()).doesNotContain("<unk>");
            assertThat(roundTrip(s.answer())).isEqualTo(s.answer());
        }
    }

    @Test
    void controlTokensHaveFixedIdsAndAreSkippableOnDecode() {
        assertThat(vocab).containsEntry("<unk>", 0).containsEntry("<s>", 1).containsEntry("</s>", 2)
                .containsEntry("<pad>", 3).containsEntry("<image>", 4).containsEntry("<task_seg>", 5);
        long[] ids = tokenizer.encode("<s>yes</s><pad>", false, false).getIds();
        assertThat(ids).containsExactly(1, vocab.get("yes"), 2, 3);
        assertThat(tokenizer.decode(ids, true)).isEqualTo("yes");
        assertThat(tokenizer.decode(tokenizer.encode("<task_det>circle</task>", false, false).getIds(), true))
                .isEqualTo("<task_det>circle</task>");
    }

    @Test
    void batcherLearnsExactlyTheAnswerTokensOfTheRealTokenizer() {
        ArrayBatcher batcher = ArrayBatcher.builder().encoder(new HuggingFaceTextEncoder(tokenizer)).padId(3).eosId(2)
                .imageSize(48).build();
        Sample s = WorldSplit.generate(WorldConfig.builder().imageSize(48).build(), 5, 1, 0, 0).train().get(0);
        Batch b = batcher.batch(List.of(TrainingExample.of(s)));
        List<Long> learned = new ArrayList<>();
        for (int t = 0; t < b.sequenceLength(); t++) {
            if (b.labels()[0][t] != ArrayBatcher.IGNORE_INDEX) {
                learned.add(b.labels()[0][t]);
            }
        }
        long[] answerIds = learned.stream().limit(learned.size() - 1).mapToLong(Long::longValue).toArray();
        assertThat(tokenizer.decode(answerIds, false)).isEqualTo(s.answer());
        assertThat(learned.get(learned.size() - 1)).isEqualTo(2L);
        assertThat(b.inputIds()[0][0]).isEqualTo((long) vocab.get("<image>"));
    }

    @Test
    void loadsFromTheDirectoryWithItsConfig() throws Exception {
        try (HuggingFaceTokenizer fromDir = HuggingFaceTokenizer.newInstance(dir)) {
            String answer = "<task_edit>remove</task><box>0,999,5,10</box>";
            assertThat(fromDir.decode(fromDir.encode(answer, false, false).getIds(), false)).isEqualTo(answer);
        }
    }

    @Test
    void extraTextsExtendTheVocabulary() {
        Map<String, Integer> v = WorldTokenizerBuilder.forWorld().addTexts(List.of("USER: hi ASSISTANT:"))
                .vocabulary();
        assertThat(v).containsKeys("USER", ":", "\u2581hi", "\u2581ASSISTANT");
        assertThat(vocab).doesNotContainKey("USER");
    }

    @Test
    void unknownWordsBecomeUnk() {
        assertThat(tokens("segment the zebra")).containsExactly("segment", "\u2581the", "<unk>");
    }
}
