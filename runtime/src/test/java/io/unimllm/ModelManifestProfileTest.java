package io.unimllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.protocol.ConfigException;
import io.unimllm.protocol.codec.Codecs;
import io.unimllm.protocol.profile.ModelProfiles;
import io.unimllm.tokenizer.ChatTemplate;
import io.unimllm.tokenizer.JinjaChatTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grounding dialect of a checkpoint: named in unimllm.json, through a profile, or detected from config.json. */
class ModelManifestProfileTest {

    private static String codecName(Path dir) {
        return ModelManifest.load(dir).codec().getClass().getSimpleName();
    }

    @Test
    void aProfileInUnimllmJsonChoosesItsCodec(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(ModelManifest.FILE), "{\"profile\": \"qwen2-vl\"}");
        assertThat(codecName(dir)).isEqualTo(ModelProfiles.byName("qwen2-vl").codec().getClass().getSimpleName());
    }

    @Test
    void aCodecNamedExplicitlyBeatsTheProfile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(ModelManifest.FILE), "{\"profile\": \"qwen2-vl\", \"codec\": \"florence2\"}");
        assertThat(codecName(dir)).isEqualTo(Codecs.byName("florence2").getClass().getSimpleName());
    }

    @Test
    void withoutEitherTheConfigsModelTypeDecides(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"qwen2_5_vl\"}");
        assertThat(codecName(dir)).isEqualTo(ModelProfiles.forModelType("qwen2_5_vl").orElseThrow().codec()
                .getClass().getSimpleName());
        Files.writeString(dir.resolve(ModelManifest.FILE), "{\"tasks\": {\"<task_seg>\": \"segment\"}}");
        assertThat(codecName(dir)).isEqualTo(ModelProfiles.forModelType("qwen2_5_vl").orElseThrow().codec()
                .getClass().getSimpleName());
    }

    @Test
    void theChatTemplateIsUnimllmJsonsElseTheCheckpointsOwnJinjaTemplateElseLlavaV1(@TempDir Path dir)
            throws IOException {
        assertThat(ModelManifest.load(dir).template().name()).isEqualTo(new ChatTemplate.LlavaV1().name());
        Files.writeString(dir.resolve("chat_template.jinja"), "{% for m in messages %}<|{{ m['role'] }}|>"
                + "{{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}");
        assertThat(ModelManifest.load(dir).template()).isInstanceOf(JinjaChatTemplate.class);
        assertThat(ModelManifest.load(dir).template().prompt("hello", null)).isEqualTo("<|user|>hello\n<|assistant|>");
        Files.writeString(dir.resolve(ModelManifest.FILE), "{\"chat_template\": \"llava_plain\"}");
        assertThat(ModelManifest.load(dir).template()).isInstanceOf(ChatTemplate.LlavaPlain.class);
    }

    @Test
    void anUnknownModelTypeKeepsUnimllmsDialectAndAnUnknownProfileIsAConfigError(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"something_new\"}");
        assertThat(codecName(dir)).isEqualTo(Codecs.byName("unimllm").getClass().getSimpleName());
        Files.writeString(dir.resolve(ModelManifest.FILE), "{\"profile\": \"no-such-family\"}");
        assertThatThrownBy(() -> ModelManifest.load(dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no-such-family");
    }
}
