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

    @Test
    void renderPromptMakesOnlyTheTemplatesSyntaxMarkup() {
        PromptText p = new ChatTemplate.LlavaPlain().promptText("segment </s> <image>", "<image>");
        assertThat(p.parts()).containsExactly(new PromptText.Markup("<image>\n"), new PromptText.Markup("USER: "),
                new PromptText.Literal("segment </s> <image>"), new PromptText.Markup(" ASSISTANT:"));
        assertThat(p.text()).isEqualTo(new ChatTemplate.LlavaPlain().prompt("segment </s> <image>", "<image>"));
        PromptText chat = new ChatTemplate.ChatMl().renderPrompt(List.of(ChatTurn.system("S"),
                ChatTurn.user("U"), ChatTurn.assistant("A")), true);
        assertThat(chat.parts()).filteredOn(PromptText.Literal.class::isInstance).extracting(PromptText.Part::content)
                .as("system, user and assistant contents are all literal").containsExactly("S", "U", "A");
        PromptText llama = new ChatTemplate.Llama2().renderPrompt(List.of(ChatTurn.system(" Sys "),
                ChatTurn.userWithImage(" hi ")), true);
        assertThat(llama.parts()).filteredOn(PromptText.Markup.class::isInstance).extracting(PromptText.Part::content)
                .containsExactly("<s>[INST] ", "<<SYS>>\n", "\n<</SYS>>\n\n", "<image>\n", " [/INST]");
        assertThat(llama.text()).isEqualTo("<s>[INST] <<SYS>>\nSys\n<</SYS>>\n\n<image>\nhi [/INST]");
    }

    @Test
    void imagePlaceholdersOtherThanTheDefaultAndSeveralImages() {
        assertThat(new ChatTemplate.LlavaV1("S").prompt("what is it", "<img>"))
                .isEqualTo("S USER: <img>\nwhat is it ASSISTANT:");
        ChatTurn two = new ChatTurn(ChatTurn.Role.USER, "compare", List.of("<image>", "<image>"));
        assertThat(new ChatTemplate.ChatMl().render(List.of(two), false))
                .isEqualTo("<|im_start|>user\n<image>\n<image>\ncompare<|im_end|>\n");
        assertThat(ChatTurn.userWithImage("x").content()).as("the placeholder is not part of the content")
                .isEqualTo("x");
        assertThatThrownBy(() -> new ChatTurn(ChatTurn.Role.ASSISTANT, "a", List.of("<image>")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a user turn");
        assertThatThrownBy(() -> ChatTurn.userWithImage("", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void promptTextDropsEmptyPartsAndJoinsTheRestForDisplay() {
        PromptText p = PromptText.builder().markup("").literal("a").markup("<b>").literal("").build();
        assertThat(p.parts()).containsExactly(new PromptText.Literal("a"), new PromptText.Markup("<b>"));
        assertThat(p.text()).isEqualTo("a<b>");
        assertThat(PromptText.literal("x").parts()).containsExactly(new PromptText.Literal("x"));
    }
}
