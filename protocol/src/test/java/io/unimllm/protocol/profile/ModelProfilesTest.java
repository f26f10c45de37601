package io.unimllm.protocol.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.ConfigException;
import io.unimllm.protocol.codec.Codecs;
import io.unimllm.protocol.codec.CoordinateFrame;
import io.unimllm.protocol.codec.Qwen25VlCodec;
import io.unimllm.protocol.codec.ResizeRule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Profiles bind syntax, frame, image size, tokens and template, and are found by name or by config.json type. */
class ModelProfilesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"qwen2_vl, qwen2-vl", "qwen2_5_vl, qwen2.5-vl", "qwen3_vl, qwen3-vl", "qwen3_vl_moe, qwen3-vl",
        "internvl_chat, internvl", "internvl, internvl", "minicpmv, minicpm-v", "molmo, molmo", "glm4v, glm4v",
        "glm4v_moe, glm4v", "deepseek_vl_v2, deepseek-vl2", "florence2, florence2", "paligemma, paligemma",
        "kosmos-2, kosmos2", "llava, unimllm", "cogvlm, cogvlm"})
    void modelTypeOfConfigJsonChoosesTheProfile(String modelType, String profile) {
        assertThat(ModelProfiles.forModelType(modelType)).get().extracting(ModelProfile::name).isEqualTo(profile);
    }

    @Test
    void unknownOrMissingModelTypesChooseNothing() {
        assertThat(ModelProfiles.forModelType("llama")).isEmpty();
        assertThat(ModelProfiles.forModelType("Qwen2_5_VL")).as("model_type is compared exactly").isEmpty();
        assertThat(ModelProfiles.forModelType(null)).isEmpty();
        assertThat(ModelProfiles.forModelType(" ")).isEmpty();
    }

    @Test
    void namesIgnoreCaseDashesUnderscoresAndDots() {
        assertThat(ModelProfiles.byName("Qwen2.5-VL").name()).isEqualTo("qwen2.5-vl");
        assertThat(ModelProfiles.byName("qwen2_5_vl").name()).isEqualTo("qwen2.5-vl");
        assertThatThrownBy(() -> ModelProfiles.byName("gpt-4v")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown model profile 'gpt-4v'").hasMessageContaining("qwen3-vl");
        assertThatThrownBy(() -> ModelProfiles.byName(null)).isInstanceOf(ConfigException.class);
    }

    @Test
    void everyProfileNamesARealCodecWithTheProfilesFrame() {
        for (ModelProfile p : ModelProfiles.all()) {
            assertThat(p.codec().name()).as(p.name()).isEqualTo(Codecs.byName(p.codecName()).name());
            assertThat(p.frame().describe()).as(p.name()).isNotBlank();
            assertThat(p.chatTemplate()).as(p.name()).isNotBlank();
        }
        assertThat(ModelProfiles.names()).hasSize(ModelProfiles.all().size()).contains("qwen2-vl", "qwen2.5-vl",
                "qwen3-vl", "internvl", "minicpm-v", "molmo", "cogvlm", "glm4v", "minigpt-v2", "ferret",
                "deepseek-vl2", "gemini");
    }

    @Test
    void qwenFamilyChangesFrameBetweenVersions() {
        ModelProfile q2 = ModelProfiles.byName("qwen2-vl");
        ModelProfile q25 = ModelProfiles.byName("qwen2.5-vl");
        ModelProfile q3 = ModelProfiles.byName("qwen3-vl");

        assertThat(q2.frame()).isEqualTo(CoordinateFrame.Normalized.of(1000));
        assertThat(q2.specialTokens()).contains("<|box_start|>", "<|object_ref_start|>");
        assertThat(q25.frame()).isEqualTo(new CoordinateFrame.ResizedPixels(ResizeRule.SmartResize.qwen25Vl()));
        assertThat(q25.imageSize()).isEqualTo(ResizeRule.SmartResize.qwen25Vl());
        assertThat(q25.specialTokens()).doesNotContain("<|box_start|>");
        assertThat(q3.frame()).isEqualTo(CoordinateFrame.Normalized.of(1000));
        assertThat(q3.imageSize()).isEqualTo(ResizeRule.original());
        assertThat(List.of(q2.chatTemplate(), q25.chatTemplate(), q3.chatTemplate())).containsOnly("chatml");
    }

    @Test
    void aProfileWithAnotherResizeRuleDecodesInThatFrame() {
        String answer = "{\"bbox_2d\": [0, 0, 644, 476]}";
        ModelProfile q25 = ModelProfiles.byName("qwen2.5-vl");
        assertThat(q25.codec()).isInstanceOf(Qwen25VlCodec.class);
        // default rule: 640 x 480 resizes to 644 x 476, so the answer covers the whole image
        assertThat(q25.codec().decode(answer, 640, 480)).containsExactly(Grounding.of(new Box(0, 0, 640, 480)));
        // a server that reported a 1288 x 952 input: the same numbers cover the top-left quarter
        ModelProfile reported = q25.withImageSize(ResizeRule.fixed(1288, 952));
        assertThat(reported.frame()).isEqualTo(new CoordinateFrame.ResizedPixels(ResizeRule.fixed(1288, 952)));
        assertThat(reported.codec().decode(answer, 640, 480)).containsExactly(Grounding.of(new Box(0, 0, 320, 240)));
        // frames relative to the image do not depend on the rule
        ModelProfile q3 = ModelProfiles.byName("qwen3-vl").withImageSize(ResizeRule.fixed(10, 10));
        assertThat(q3.frame()).isEqualTo(CoordinateFrame.Normalized.of(1000));
    }
}
