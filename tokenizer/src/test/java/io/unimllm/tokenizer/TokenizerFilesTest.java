package io.unimllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the tokenizer files of a directory, before any interpretation of the vocabulary. */
class TokenizerFilesTest {
    @TempDir
    Path tmp;

    @Test
    void onlyTokenizerJsonIsRequiredAndItsBytesAreKeptAsRead() throws Exception {
        Files.writeString(tmp.resolve("tokenizer.json"), "not even JSON");
        TokenizerFiles files = TokenizerFiles.read(tmp);
        assertThat(files.source()).isEqualTo(tmp.resolve("tokenizer.json").toString());
        assertThat(new String(files.tokenizerJson(), StandardCharsets.UTF_8)).isEqualTo("not even JSON");
        assertThat(files.config().isObject()).isTrue();
        assertThat(files.config().size()).isZero();
        assertThat(files.generationEos()).isEmpty();
        assertThat(files.chatTemplate()).isEmpty();
    }

    @Test
    void readsTheChatTemplateStringAndASingleGenerationEos() throws Exception {
        Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"chat_template\": \"{{ '<|im_start|>' }}\"}");
        Files.writeString(tmp.resolve("generation_config.json"), "{\"eos_token_id\": 7}");
        TokenizerFiles files = TokenizerFiles.read(tmp);
        assertThat(files.chatTemplate()).hasValue("{{ '<|im_start|>' }}");
        assertThat(files.generationEos()).containsExactly(7);
    }

    @Test
    void aConfigThatIsNotAnObjectIsCorrupt() throws Exception {
        Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        Files.writeString(tmp.resolve("tokenizer_config.json"), "[1]");
        assertThatThrownBy(() -> TokenizerFiles.read(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("corrupt " + tmp.resolve("tokenizer_config.json"))
                .hasMessageContaining("expected a JSON object");
    }
}
