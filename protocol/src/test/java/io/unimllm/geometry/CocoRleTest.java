package io.unimllm.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Masks in COCO's compressed RLE, as pycocotools writes and reads them. */
class CocoRleTest {
    @Test
    void runsGoDownTheColumnsAndStartWithZeros() {
        // [[0, 1],
        //  [1, 1]] column-major is 0 1 1 1: one zero, three ones
        Mask m = new Mask(2, 2, new boolean[] {false, true, true, true});
        CocoRle rle = CocoRle.of(m);
        assertThat(rle.height()).isEqualTo(2);
        assertThat(rle.width()).isEqualTo(2);
        assertThat(rle.runs()).containsExactly(1, 3);
        assertThat(rle.counts()).isEqualTo("13");
    }

    @Test
    void aMaskStartingWithOnesHasAnEmptyFirstRun() {
        Mask m = new Mask(3, 1, new boolean[] {true, true, false});
        assertThat(CocoRle.of(m).runs()).containsExactly(0, 2, 1);
        assertThat(CocoRle.of(m).counts()).isEqualTo("021");
    }

    @Test
    void largeRunsTakeSeveralCharactersAndLaterRunsAreDifferences() {
        // runs 1, 2, 5, 1: the fourth is written as 1 - 2 = -1 ('O'); 100 needs two 5-bit groups ("T3")
        assertThat(CocoRle.compress(new int[] {1, 2, 5, 1})).isEqualTo("125O");
        assertThat(CocoRle.compress(new int[] {100})).isEqualTo("T3");
        assertThat(CocoRle.runs("125O")).containsExactly(1, 2, 5, 1);
        assertThat(CocoRle.runs("T3")).containsExactly(100);
    }

    @Test
    void randomMasksRoundTrip() {
        Random rnd = new Random(7);
        for (int i = 0; i < 200; i++) {
            int w = 1 + rnd.nextInt(40);
            int h = 1 + rnd.nextInt(40);
            boolean[] bits = new boolean[w * h];
            double density = rnd.nextDouble();
            // blobs and noise: long runs and short ones, so differences go negative and positive
            for (int k = 0; k < bits.length; k++) {
                bits[k] = rnd.nextDouble() < density;
            }
            Mask m = new Mask(w, h, bits);
            CocoRle rle = CocoRle.of(m);
            assertThat(rle.toMask()).isEqualTo(m);
            assertThat(new CocoRle(h, w, rle.counts()).toMask()).isEqualTo(m);
        }
    }

    @Test
    void countsThatDoNotCoverTheMaskAreRefused() {
        assertThatThrownBy(() -> new CocoRle(2, 2, "12")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cover 3 pixels").hasMessageContaining("has 4");
        assertThatThrownBy(() -> new CocoRle(2, 2, "1 3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at char 1");
    }
}
