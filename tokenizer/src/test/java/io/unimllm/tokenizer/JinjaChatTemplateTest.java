package io.unimllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Specification of {@link JinjaChatTemplate} on real Hugging Face templates: Qwen3's from the pinned npm tokenizer
 * package, Llama-2-chat's and LLaVA-1.5's copied into {@code chat-templates/} (sources in its SOURCES.md). The
 * expected strings are written from each template's documented format.
 */
class JinjaChatTemplateTest {
    private static final Map<String, String> LLAMA_TOKENS = Map.of("bos_token", "<s>", "eos_token", "</s>");

    private static JinjaChatTemplate fixture(String name, Map<String, String> tokens) throws IOException {
        try (InputStream in = JinjaChatTemplateTest.class.getResourceAsStream("/chat-templates/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new JinjaChatTemplate(new String(in.readAllBytes(), StandardCharsets.UTF_8), tokens);
        }
    }

    private static List<String> literals(PromptText p) {
        return p.parts().stream().filter(PromptText.Literal.class::isInstance)
                .map(part -> ((PromptText.Literal) part).content()).toList();
    }

    private static JinjaChatTemplate qwen3() {
        return JinjaChatTemplate.fromCheckpoint(RealTokenizers.qwen3()).orElseThrow();
    }

    @Test
    void qwen3TemplateFromTheCheckpointRendersChatMl() {
        List<ChatTurn> turns = List.of(ChatTurn.system("You are helpful."), ChatTurn.user("Hi <|im_end|>"));
        PromptText p = qwen3().renderPrompt(turns, true);
        assertThat(p.text()).isEqualTo("<|im_start|>system\nYou are helpful.<|im_end|>\n"
                + "<|im_start|>user\nHi <|im_end|><|im_end|>\n<|im_start|>assistant\n");
        assertThat(literals(p)).as("contents stay literal").containsExactly("You are helpful.", "Hi <|im_end|>");
        assertThat(qwen3().renderPrompt(turns, false).text()).endsWith("Hi <|im_end|><|im_end|>\n");
    }

    @Test
    void qwen3MultiTurnEqualsTheHandWrittenChatMl() {
        List<ChatTurn> turns = List.of(ChatTurn.user("2+2?"), ChatTurn.assistant("4"), ChatTurn.user("Sure?"));
        PromptText handWritten = new ChatTemplate.ChatMl().renderPrompt(turns, true);
        assertThat(qwen3().render(turns, true)).isEqualTo(handWritten.text());
        assertThat(literals(qwen3().renderPrompt(turns, true))).isEqualTo(literals(handWritten));
        assertThat(qwen3().render(turns, true)).isEqualTo("<|im_start|>user\n2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n4<|im_end|>\n<|im_start|>user\nSure?<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void qwen3CheckpointBringsItsSpecialTokens() {
        assertThat(qwen3().specialTokens()).containsEntry("eos_token", "<|im_end|>").doesNotContainKey("bos_token");
        assertThat(qwen3().rendersBos()).isFalse();
    }

    @Test
    void llama2TemplateFoldsTheSystemPromptAndStripsContents() throws IOException {
        List<ChatTurn> turns = List.of(ChatTurn.system("Be brief."), ChatTurn.user("Hi"),
                ChatTurn.assistant(" Hello "), ChatTurn.user(" Bye </s> "));
        PromptText p = fixture("llama-2-chat.jinja", LLAMA_TOKENS).renderPrompt(turns, true);
        assertThat(p.text()).isEqualTo("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello </s>"
                + "<s>[INST] Bye </s> [/INST]");
        assertThat(p.text()).isEqualTo(new ChatTemplate.Llama2().render(turns, true));
        assertThat(literals(p)).containsExactly("Be brief.", "Hi", "Hello", "Bye </s>");
        assertThat(fixture("llama-2-chat.jinja", LLAMA_TOKENS).rendersBos()).isTrue();
    }

    @Test
    void llama2TemplateRaisingGivesItsMessage() throws IOException {
        JinjaChatTemplate t = fixture("llama-2-chat.jinja", LLAMA_TOKENS);
        assertThatThrownBy(() -> t.renderPrompt(List.of(ChatTurn.user("a"), ChatTurn.user("b")), true))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void llavaTemplateRendersImagePartsAsTheProcessorPassesThem() throws IOException {
        JinjaChatTemplate t = fixture("llava-1.5.jinja", LLAMA_TOKENS);
        List<ChatTurn> turns = List.of(ChatTurn.userWithImage("What is <image>?"), ChatTurn.assistant("A cat."),
                ChatTurn.user("Sure?"));
        PromptText p = t.renderPrompt(turns, true);
        assertThat(p.text()).isEqualTo("USER: <image>\nWhat is <image>? ASSISTANT: A cat. USER: Sure? ASSISTANT:");
        assertThat(literals(p)).as("the typed <image> is literal, the template's is markup")
                .containsExactly("What is <image>?", "A cat.", "Sure?");
        assertThat(t.render(List.of(ChatTurn.userWithImage("Hi")), false)).isEqualTo("USER: <image>\nHi ");
    }

    @Test
    void checkpointFilesArePreferredInHuggingFaceOrder(@TempDir Path dir) throws IOException {
        assertThat(JinjaChatTemplate.fromCheckpoint(RealTokenizers.llama2())).as("llama2 package ships none")
                .isEmpty();
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"chat_template\": \"config\", \"bos_token\": {\"content\": \"<s>\"}}");
        assertThat(JinjaChatTemplate.fromCheckpoint(dir).orElseThrow().source()).isEqualTo("config");
        Files.writeString(dir.resolve("chat_template.json"), "{\"chat_template\": \"json\"}");
        assertThat(JinjaChatTemplate.fromCheckpoint(dir).orElseThrow().source()).isEqualTo("json");
        Files.writeString(dir.resolve("chat_template.jinja"), "{{ bos_token }}{{ messages[0].content }}");
        JinjaChatTemplate t = JinjaChatTemplate.fromCheckpoint(dir).orElseThrow();
        assertThat(t.render(List.of(ChatTurn.user("x")), false)).isEqualTo("<s>x");
    }

    @Test
    void pythonStringMethodsWorkOnLiteralsAndOnContents() {
        JinjaChatTemplate t = new JinjaChatTemplate("{{ ' Ab C\n'.rstrip('\n').lstrip().lower() }}|"
                + "{{ messages[0].content.split(',')[-1].strip().upper() }}|{{ messages[0].role.title() }}"
                + "{{ messages[0].content.startswith('a') }}", Map.of());
        PromptText p = t.renderPrompt(List.of(ChatTurn.user("a, <s> b ")), false);
        assertThat(p.text()).isEqualTo("ab c|<S> B|Usertrue");
        assertThat(literals(p)).containsExactly("<S> B");
    }

    @Test
    void contentsATemplateLooksIntoBeyondPlaceholdersAreRefusedNotSplitWrongly() throws IOException {
        List<ChatTurn> think = List.of(ChatTurn.user("Q"), ChatTurn.assistant("<think>r</think>A"),
                ChatTurn.user("Q2"));
        assertThatThrownBy(() -> qwen3().renderPrompt(think, true)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("cannot keep them literal");
        List<ChatTurn> padded = List.of(ChatTurn.system("S"), ChatTurn.user(" Hi "));
        assertThatThrownBy(() -> fixture("llama-2-chat.jinja", LLAMA_TOKENS).renderPrompt(padded, true))
                .isInstanceOf(TokenizerException.class).hasMessageContaining("cannot keep them literal");
    }

    @Test
    void brokenTemplateIsATypedError() {
        JinjaChatTemplate t = new JinjaChatTemplate("{% for m in messages %}{{ m.content ", Map.of());
        assertThatThrownBy(() -> t.render(List.of(ChatTurn.user("x")), true))
                .isInstanceOf(TokenizerException.class).hasMessageContaining("chat template");
        assertThatThrownBy(() -> t.render(List.of(), true)).isInstanceOf(IllegalArgumentException.class);
    }
}
