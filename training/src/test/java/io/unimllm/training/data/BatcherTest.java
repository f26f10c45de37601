package io.unimllm.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatcherTest {
    /** One token per whitespace-separated word; its id is the word's length + 10. */
    private static final TextEncoder WORDS = text -> text.isBlank() ? new int[0]
            : java.util.Arrays.stream(text.trim().split("\\s+")).mapToInt(w -> w.length() + 10).toArray();

    private final Batcher batcher = Batcher.builder().encoder(WORDS).template(u -> "USER " + u + " ASSISTANT")
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
    void tooLongExampleIsNamed() {
        Batcher short4 = Batcher.builder().encoder(WORDS).padId(0).eosId(2).imageSize(2).maxLength(4).build();
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> short4.batch(List.of(new TrainingExample("s7", img, "a b c", "d e", List.of()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s7").hasMessageContaining("maxLength");
    }

    @Test
    void missingPadOrEosIsAConfigurationError() {
        assertThatThrownBy(() -> Batcher.builder().encoder(WORDS).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("padId");
    }
}
