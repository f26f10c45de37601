package io.unimllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Specification of the exact prompt strings of each {@link ChatTemplate}. */
class ChatTemplateTest {
    static final String SYS = ChatTemplate.LlavaV1.DEFAULT_SYSTEM;

    @Test
    void llavaV1SingleImageQuestion() {
        String p = ChatTemplate.byName("llava_v1").render(List.of(ChatTurn.userWithImage("What is this?")), true);
        assertThat(p).isEqualTo(SYS + " USER: <image>\nWhat is this? ASSISTANT:");
        assertThat(SYS).startsWith("A chat between a curious human and an artificial intelligence assistant.");
    }

    @Test
    void llavaV1MultiTurnClosesAnswersWithEos() {
        String p = new ChatTemplate.LlavaV1().render(List.of(ChatTurn.user("Hi"), ChatTurn.assistant("Hello!"),
                ChatTurn.user("Segment the cat.")), true);
        assertThat(p).isEqualTo(SYS + " USER: Hi ASSISTANT: Hello!</s>USER: Segment the cat. ASSISTANT:");
        String done = new ChatTemplate.LlavaV1().render(List.of(ChatTurn.user("Hi"), ChatTurn.assistant("Yo")), true);
        assertThat(done).as("no generation prompt after an answer").endsWith("ASSISTANT: Yo</s>");
    }

    @Test
    void llavaV1SystemTurnReplacesTheDefaultPrompt() {
        String p = new ChatTemplate.LlavaV1().render(List.of(ChatTurn.system("Be terse."), ChatTurn.user("Hi")), false);
        assertThat(p).isEqualTo("Be terse. USER: Hi ");
    }

    @Test
    void llama2WithSystemPrompt() {
        String p = ChatTemplate.byName("mistral").render(List.of(ChatTurn.system("You are helpful."),
                ChatTurn.user(" Hi "), ChatTurn.assistant("Hello."), ChatTurn.user("Bye")), true);
        assertThat(p).isEqualTo("<s>[INST] <<SYS>>\nYou are helpful.\n<</SYS>>\n\nHi [/INST] Hello. </s>"
                + "<s>[INST] Bye [/INST]");
        assertThat(new ChatTemplate.Llama2().rendersBos()).isTrue();
    }

    @Test
    void llama2RequiresAlternatingTurns() {
        assertThatThrownBy(() -> new ChatTemplate.Llama2().render(List.of(ChatTurn.assistant("x")), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alternating");
    }

    @Test
    void chatMl() {
        String p = ChatTemplate.byName("Qwen").render(List.of(ChatTurn.system("S"), ChatTurn.user("U"),
                ChatTurn.assistant("A"), ChatTurn.user("U2")), true);
        assertThat(p).isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n"
                + "<|im_start|>assistant\nA<|im_end|>\n<|im_start|>user\nU2<|im_end|>\n<|im_start|>assistant\n");
        assertThat(new ChatTemplate.ChatMl().render(List.of(ChatTurn.user("U")), false))
                .isEqualTo("<|im_start|>user\nU<|im_end|>\n");
    }

    @Test
    void plain() {
        assertThat(ChatTemplate.byName("plain").render(List.of(ChatTurn.user("a"), ChatTurn.assistant("b")), true))
                .isEqualTo("a\nb\n");
    }

    @Test
    void byNameAcceptsAliasesAndRejectsUnknownNames() {
        assertThat(ChatTemplate.byName("LLaVA-v1")).isInstanceOf(ChatTemplate.LlavaV1.class);
        assertThat(ChatTemplate.byName("vicuna_v1").name()).isEqualTo("llava_v1");
        assertThat(ChatTemplate.byName("llama-2")).isEqualTo(new ChatTemplate.Llama2());
        assertThat(ChatTemplate.byName("chatml").name()).isEqualTo("chatml");
        assertThatThrownBy(() -> ChatTemplate.byName("alpaca")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpaca").hasMessageContaining("llava_v1, llava_plain, llama2, chatml, plain");
    }

    @Test
    void llavaPlainPutsTheImageBeforeTheUserTurn() {
        ChatTemplate t = ChatTemplate.byName("llava-plain");
        assertThat(t.prompt("segment the red circle", "<image>"))
                .isEqualTo("<image>\nUSER: segment the red circle ASSISTANT:");
        assertThat(t.render(List.of(ChatTurn.userWithImage("count"), ChatTurn.assistant("3"), ChatTurn.user("ok")),
                true)).isEqualTo("<image>\nUSER: count ASSISTANT: 3</s> USER: ok ASSISTANT:");
        assertThat(t.prompt("hi", null)).isEqualTo("USER: hi ASSISTANT:");
    }

    @Test
    void detectsTemplateFromJinja() {
        assertThat(ChatTemplate.detect("{{ '<|im_start|>' + m.role }}")).isInstanceOf(ChatTemplate.ChatMl.class);
        assertThat(ChatTemplate.detect("{{ bos_token + '[INST] ' }}")).isInstanceOf(ChatTemplate.Llama2.class);
        assertThat(ChatTemplate.detect("{{ m.content }}")).isInstanceOf(ChatTemplate.Plain.class);
    }

    @Test
    void rejectsEmptyConversationsAndLateSystemTurns() {
        for (ChatTemplate t : List.of(new ChatTemplate.LlavaV1(), new ChatTemplate.Llama2(), new ChatTemplate.ChatMl(),
                new ChatTemplate.Plain())) {
            assertThatThrownBy(() -> t.render(List.of(), true)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no turns");
            assertThatThrownBy(() -> t.render(List.of(ChatTurn.user("a"), ChatTurn.system("s")), true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("system turn");
        }
    }
}
