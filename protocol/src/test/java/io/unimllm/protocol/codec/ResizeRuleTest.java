package io.unimllm.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Qwen's {@code smart_resize} (qwen-vl-utils {@code vision_process.py}), which fixes the frame of Qwen2.5-VL's
 * coordinates. Expected sizes are what the Python function returns (run in CPython 3 on the same inputs).
 */
class ResizeRuleTest {
    private static final ResizeRule.SmartResize QWEN25 = ResizeRule.SmartResize.qwen25Vl();

    @Test
    void checkpointDefaultsAreTheShippedPreprocessorConfig() {
        assertThat(QWEN25).isEqualTo(new ResizeRule.SmartResize(28, 3136, 12_845_056));
        assertThat(ResizeRule.SmartResize.qwen3Vl()).isEqualTo(new ResizeRule.SmartResize(32, 4096, 16_777_216));
    }

    @Test
    void theImageOfQwenIssue1035ResizesTo364By448() {
        // QwenLM/Qwen3-VL issue 1035: "原图尺寸：(368, 434)，smart_resize之后的尺寸：(364, 448)"
        assertThat(QWEN25.apply(368, 434)).isEqualTo(new ResizeRule.Size(364, 448));
        assertThat(QWEN25.apply(640, 480)).isEqualTo(new ResizeRule.Size(644, 476));
    }

    @Test
    void halvesRoundToEvenAsPythonsRoundDoes() {
        // 406 / 28 = 14.5 -> round() gives 14 (even), so 392, where rounding half up would give 420
        assertThat(QWEN25.apply(406, 406)).isEqualTo(new ResizeRule.Size(392, 392));
        // 434 / 28 = 15.5 -> 16 (even) -> 448; 70 / 28 = 2.5 -> 2 -> 56
        assertThat(QWEN25.apply(434, 434)).isEqualTo(new ResizeRule.Size(448, 448));
        assertThat(QWEN25.apply(1000, 70)).isEqualTo(new ResizeRule.Size(1008, 56));
    }

    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
    @CsvSource({
        // max_pixels branch, min_pixels branch, and a side below the factor
        "8000,6000,4116,3080", "10000,10000,3556,3556", "20,20,56,56", "1,150,28,140", "1920,1080,1932,1092",
        "4032,3024,4032,3024", "100,3000,112,2996",
        // random sizes (Python's random.Random(5), sides 1..9000 within the aspect limit)
        "963,6896,952,6888", "8334,6634,4004,3192", "934,4202,924,4200", "7660,2367,6440,1988",
        "7466,6948,3696,3444", "4163,1827,4172,1820", "6159,5835,3668,3472", "3054,3332,3052,3332",
        "7176,2489,6076,2100", "2962,3603,2968,3612", "8404,5984,4228,3024", "3140,2550,3136,2548", "30,44,56,84",
        "6213,1211,6216,1204", "6388,7611,3276,3892", "8685,519,8680,532", "1373,8058,1372,8064",
        "5342,8864,2772,4592", "1180,3354,1176,3360", "5191,5042,3612,3528", "2065,4937,2072,4928",
        "3432,3548,3444,3556", "2615,1192,2604,1204", "2076,2177,2072,2184", "6721,2815,5516,2296",
        "1855,6101,1848,6104", "3000,3051,2996,3052", "2716,901,2716,896", "2150,317,2156,308",
        "4640,1119,4648,1120"})
    void matchesQwensPythonOnTheCheckpointDefaults(int w, int h, int rw, int rh) {
        assertThat(QWEN25.apply(w, h)).isEqualTo(new ResizeRule.Size(rw, rh));
    }

    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
    @CsvSource({"8000,6000,1148,840", "1920,1080,1316,728", "10000,10000,980,980", "1080,1920,728,1316"})
    void matchesQwensPythonWithTransformersMaxPixels(int w, int h, int rw, int rh) {
        // transformers' Qwen2VLImageProcessor default max_pixels = 28 * 28 * 1280
        assertThat(new ResizeRule.SmartResize(28, 3136, 28 * 28 * 1280).apply(w, h))
                .isEqualTo(new ResizeRule.Size(rw, rh));
    }

    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
    @CsvSource({"368,434,384,448", "640,480,640,480", "8000,6000,4704,3520", "1000,70,992,64"})
    void qwen3UsesFactor32(int w, int h, int rw, int rh) {
        assertThat(ResizeRule.SmartResize.qwen3Vl().apply(w, h)).isEqualTo(new ResizeRule.Size(rw, rh));
    }

    @Test
    void aspectRatiosAbove200AreRefusedAsQwenDoes() {
        assertThatThrownBy(() -> QWEN25.apply(10, 2001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aspect ratio").hasMessageContaining("10x2001");
        assertThat(QWEN25.apply(10, 2000).height()).isPositive();
    }

    @Test
    void badParametersAndSizesAreRefused() {
        assertThatThrownBy(() -> new ResizeRule.SmartResize(0, 1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResizeRule.SmartResize(28, 100, 99)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min_pixels");
        assertThatThrownBy(() -> QWEN25.apply(0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image size");
        assertThatThrownBy(() -> ResizeRule.fixed(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void originalAndFixedRules() {
        assertThat(ResizeRule.original().apply(123, 45)).isEqualTo(new ResizeRule.Size(123, 45));
        assertThat(ResizeRule.fixed(644, 476).apply(640, 480)).isEqualTo(new ResizeRule.Size(644, 476));
    }
}
