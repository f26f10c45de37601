package io.unimllm.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrayBatcherTest {
    /** One token per whitespace-separated word; its id is the word's length + 10. */
    private static final TextEncoder WORDS = text -> text.isBlank() ? new int[0]
            : java.util.Arrays.stream(text.trim().split("\\s+")).mapToInt(w -> w.length() + 10).toArray();

    private final ArrayBatcher batcher = ArrayBatcher.builder().encoder(WORDS).template(u -> "USER " + u + " ASSISTANT")
            .padId(0).eosId(2).imageSize(2).normalisation(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f})
            .build();

    @Test
    void onlyAnswerTokensAndEosCarryLabels() {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        Batch b = batcher.batch(List.of(
                new TrainingExample("a", img, "hi", "yes", List.of()),
                new TrainingExample("b", img, "how many", "3 x", List.of())));
        // a: USER(14) hi(12) ASSISTANT(19) | yes(13) EOS(2)  -> length 5, padded to 7
        // b: USER(14) how(13) many(14) ASSISTANT(19) | 3(11) x(11) EOS(2) -> length 7
        assertThat(b.inputIds()[0]).containsExactly(14, 12, 19, 13, 2, 0, 0);
        assertThat(b.labels()[0]).containsExactly(-100, -100, -100, 13, 2, -100, -100);
        assertThat(b.attentionMask()[0]).containsExactly(1, 1, 1, 1, 1, 0, 0);
        assertThat(b.inputIds()[1]).containsExactly(14, 13, 14, 19, 11, 11, 2);
        assertThat(b.labels()[1]).containsExactly(-100, -100, -100, -100, 11, 11, 2);
        assertThat(b.attentionMask()[1]).containsOnly(1);
        assertThat(b.sequenceLength()).isEqualTo(7);
    }

    @Test
    void bosStartsThePromptAndIsNotLearned() {
        ArrayBatcher withBos = ArrayBatcher.builder().encoder(WORDS).padId(0).eosId(2).bosId(1).imageSize(2).build();
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        Batch b = withBos.batch(List.of(new TrainingExample("a", img, "hi", "yes", List.of())));
        // plain template: "hi\n" -> hi(12); then yes(13), EOS
        assertThat(b.inputIds()[0]).containsExactly(1, 12, 13, 2);
        assertThat(b.labels()[0]).containsExactly(-100, -100, 13, 2);
    }

    @Test
    void pixelsAreChannelMajorAndNormalised() {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 0, 0xFF0000); // red at x=1,y=0
        Batch b = batcher.batch(List.of(new TrainingExample("a", img, "hi", "yes", List.of(new Box(0, 0, 1, 2)))));
        float[] p = b.pixelValues()[0];
        assertThat(p).hasSize(12);
        assertThat(p[1]).isEqualTo(1f); // R plane, (255/255 - .5)/.5
        assertThat(p[0]).isEqualTo(-1f);
        assertThat(p[4 + 1]).isEqualTo(-1f); // G plane at the same pixel
        assertThat(b.targetBoxes()[0][0]).containsExactly(0f, 0f, 0.5f, 1f);
    }

    @Test
    void imagesOfAnotherSizeAreResized() {
        BufferedImage big = new BufferedImage(6, 6, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                big.setRGB(x, y, 0x0000FF);
            }
        }
        float[] p = batcher.pixels(big);
        assertThat(p).hasSize(12);
        assertThat(java.util.Arrays.copyOfRange(p, 8, 12)).containsOnly(1f); // blue plane
        assertThat(java.util.Arrays.copyOfRange(p, 0, 8)).containsOnly(-1f);
    }

    @Test
    void tooLongExampleIsNamed() {
        ArrayBatcher short4 = ArrayBatcher.builder().encoder(WORDS).padId(0).eosId(2).imageSize(2).maxLength(4).build();
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> short4.batch(List.of(new TrainingExample("s7", img, "a b c", "d e", List.of()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s7").hasMessageContaining("maxLength");
    }

    @Test
    void missingPadOrEosIsAConfigurationError() {
        assertThatThrownBy(() -> ArrayBatcher.builder().encoder(WORDS).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("padId");
    }
}
