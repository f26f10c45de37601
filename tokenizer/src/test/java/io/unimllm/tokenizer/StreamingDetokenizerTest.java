package io.unimllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Specification of {@link StreamingDetokenizer}: the deltas concatenate to the one-shot decode and never
 * contain a broken character, on both real tokenizers.
 */
class StreamingDetokenizerTest {
    static final List<String> SPECIAL = List.of("<image>", "<task_seg>", "<box>", "</box>");
    static final List<String> TEXTS = List.of(
            "Hello world",
            "  leading spaces and trailing  ",
            "Héllo wörld, naïve café, Ångström, São Paulo",
            "你好，世界！这是一个测试。",
            "emoji 🚀🎉👍🏽 and flags 🇫🇷 — done",
            "mixed: 日本語 テキスト, русский текст, العربية, हिन्दी\nnew line\ttab",
            "<task_seg> red circle <box>12,30,40,99</box> 完成 🚀",
            "<image>\nWhat is 𝔸? 𝟙𝟚𝟛");

    static UnimllmTokenizer llama;
    static UnimllmTokenizer qwen;

    @BeforeAll
    static void load() {
        llama = UnimllmTokenizer.load(RealTokenizers.llama2(), SPECIAL);
        qwen = UnimllmTokenizer.load(RealTokenizers.qwen3(), SPECIAL);
    }

    @AfterAll
    static void close() {
        llama.close();
        qwen.close();
    }

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String name : List.of("llama2", "qwen3")) {
            for (String text : TEXTS) {
                for (boolean skip : List.of(false, true)) {
                    out.add(Arguments.of(name, text, skip));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} skipSpecial={2}: {1}")
    @MethodSource("cases")
    void deltasConcatenateToTheOneShotDecodeAndNeverBreakACharacter(String name, String text, boolean skip) {
        UnimllmTokenizer tok = name.equals("llama2") ? llama : qwen;
        int[] ids = tok.encode(text, false);
        StreamingDetokenizer stream = new StreamingDetokenizer(tok, skip);
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            String delta = stream.push(id);
            assertThat(delta).doesNotContain("\uFFFD");
            assertThat(delta.isEmpty() || !Character.isHighSurrogate(delta.charAt(delta.length() - 1)))
                    .as("delta does not end inside a surrogate pair").isTrue();
            out.append(delta);
        }
        out.append(stream.flush());
        assertThat(out.toString()).isEqualTo(tok.decode(ids, skip));
    }

    @Test
    void byteFallbackPiecesAreHeldBackUntilTheCharacterIsComplete() {
        // "🚀" is not a piece of the Llama vocabulary: four byte-fallback tokens <0xF0><0x9F><0x9A><0x80>
        int[] ids = {llama.tokenId("<0xF0>"), llama.tokenId("<0x9F>"), llama.tokenId("<0x9A>"), llama.tokenId("<0x80>")};
        StreamingDetokenizer stream = llama.streamingDetokenizer();
        assertThat(stream.push(ids[0])).isEmpty();
        assertThat(stream.push(ids[1])).isEmpty();
        assertThat(stream.push(ids[2])).isEmpty();
        assertThat(stream.push(ids[3])).isEqualTo("🚀");
    }

    @Test
    void sentencePieceSpacesOnlyTheFirstLeadingSpaceIsDropped() {
        StreamingDetokenizer stream = llama.streamingDetokenizer();
        List<String> deltas = new ArrayList<>();
        for (int id : llama.encode("Hello big world", false)) {
            deltas.add(stream.push(id));
        }
        assertThat(deltas).containsExactly("Hello", " big", " world");
    }

    @Test
    void specialTokensAreRenderedVerbatim() {
        StreamingDetokenizer stream = qwen.streamingDetokenizer();
        assertThat(stream.push(qwen.tokenId("<task_seg>"))).isEqualTo("<task_seg>");
        assertThat(stream.push(qwen.tokenId("<|im_end|>"))).isEqualTo("<|im_end|>");
    }

    @Test
    void flushEmitsAnIncompleteCharacterAsReplacementAndStartsOver() {
        StreamingDetokenizer stream = llama.streamingDetokenizer();
        assertThat(stream.push(llama.tokenId("<0xE4>"))).isEmpty();
        assertThat(stream.flush()).isEqualTo(llama.decode(new int[] {llama.tokenId("<0xE4>")}, false));
        assertThat(stream.ids()).isEmpty();
        assertThat(stream.push(llama.tokenId("▁Hello"))).isEqualTo("Hello");
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        StreamingDetokenizer stream = llama.streamingDetokenizer();
        assertThatThrownBy(() -> stream.push(llama.vocabSize())).isInstanceOf(TokenizerException.class);
    }
}
