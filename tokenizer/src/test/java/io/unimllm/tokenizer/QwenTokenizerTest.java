package io.unimllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Specification of {@link UnimllmTokenizer} on Qwen3's real byte-level BPE tokenizer (ChatML). */
class QwenTokenizerTest {
    static UnimllmTokenizer tok;

    @BeforeAll
    static void load() {
        tok = UnimllmTokenizer.load(RealTokenizers.qwen3(), List.of("<image>", "<task_seg>", "<box>", "</box>"));
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void readsQwenConfig() {
        assertThat(tok.bosId()).as("Qwen has no BOS token").isEmpty();
        assertThat(tok.addsBosByDefault()).isFalse();
        assertThat(tok.eosIds()).containsExactly(151645);
        assertThat(tok.token(151645)).isEqualTo("<|im_end|>");
        assertThat(tok.chatTemplateSource()).hasValueSatisfying(t -> assertThat(t).contains("<|im_start|>"));
        assertThat(ChatTemplate.detect(tok.chatTemplateSource().orElseThrow())).isInstanceOf(ChatTemplate.ChatMl.class);
    }

    @Test
    void newSpecialTokensFollowTheLastAddedTokenOfTheFile() {
        // tokenizer.json's own added tokens end with </think> = 151668
        assertThat(tok.tokenId("</think>")).isEqualTo(151668);
        assertThat(tok.tokenId("<image>")).isEqualTo(151669);
        assertThat(tok.tokenId("</box>")).isEqualTo(151672);
        assertThat(tok.vocabSize()).isEqualTo(151673);
        assertThat(tok.isSpecial(151669)).isTrue();
        assertThat(tok.isSpecial(tok.tokenId("<think>"))).as("special=false in tokenizer.json").isFalse();
    }

    @Test
    void chatMlControlTokensAreSingleIds() {
        String prompt = new ChatTemplate.ChatMl().render(
                List.of(ChatTurn.system("Be brief."), ChatTurn.userWithImage("segment the cat")), true);
        int[] ids = tok.encode(prompt, true);
        assertThat(ids[0]).as("no BOS is added: Qwen has none").isEqualTo(151644);
        assertThat(ids).containsSubsequence(151644, 151645, 151644, 151669, 151645, 151644);
        assertThat(count(ids, 151644)).isEqualTo(3);
        assertThat(count(ids, 151645)).isEqualTo(2);
        assertThat(ids).containsExactly(AddedTokenSplitter.spliceEncode(tok, prompt));
        assertThat(tok.decode(ids, false)).isEqualTo(prompt);
    }

    @Test
    void byteLevelRoundTripIsExactEvenAroundSpecialTokens() {
        String text = "answer: <task_seg> the cat <box>10,20,300,400</box> 完成 ✅";
        assertThat(tok.decode(tok.encode(text, false), false)).isEqualTo(text);
        assertThat(tok.decode(tok.encode(text, false), true)).isEqualTo("answer:  the cat 10,20,300,400 完成 ✅");
    }

    private static long count(int[] ids, int id) {
        return java.util.Arrays.stream(ids).filter(i -> i == id).count();
    }
}
