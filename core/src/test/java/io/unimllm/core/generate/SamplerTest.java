package io.unimllm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static float[] logits() {
        // token 3 most likely, then 1, then 0, then 2
        return new float[] {1.0f, 2.0f, -1.0f, 3.0f};
    }

    @Test
    void greedyPicksTheLargestLogit() {
        Sampler s = new Sampler(GenerationConfig.greedy(4));
        assertThat(s.next(logits(), new int[0], 0)).isEqualTo(3);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOncePerToken() {
        float[] l = logits();
        Sampler.penalise(l, new int[] {3, 3, 2}, 3, 2.0);
        assertThat(l).containsExactly(1.0f, 2.0f, -2.0f, 1.5f);
    }

    @Test
    void repetitionPenaltyCanChangeTheGreedyChoice() {
        Sampler s = new Sampler(GenerationConfig.builder().maxNewTokens(4).repetitionPenalty(2.0).build());
        assertThat(s.next(logits(), new int[] {3}, 1)).isEqualTo(1);
    }

    @Test
    void topKOneIsGreedyWhateverTheTemperature() {
        Sampler s = new Sampler(GenerationConfig.builder().temperature(5.0).topK(1).build());
        for (int i = 0; i < 50; i++) {
            assertThat(s.next(logits(), new int[0], 0)).isEqualTo(3);
        }
    }

    @Test
    void topPKeepsOnlyTheNucleus() {
        // p(3) ~ 0.64, p(1) ~ 0.24: top_p 0.8 keeps {3, 1} only.
        Sampler s = new Sampler(GenerationConfig.builder().temperature(1.0).topP(0.8).seed(7).build());
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            seen.merge(s.next(logits(), new int[0], 0), 1, Integer::sum);
        }
        assertThat(seen).containsOnlyKeys(3, 1);
        assertThat(seen.get(3)).isGreaterThan(seen.get(1));
    }

    @Test
    void samplingFollowsTheSoftmaxDistribution() {
        Sampler s = new Sampler(GenerationConfig.builder().temperature(1.0).seed(1).build());
        int n = 20000;
        int[] counts = new int[4];
        for (int i = 0; i < n; i++) {
            counts[s.next(logits(), new int[0], 0)]++;
        }
        double z = Math.exp(1) + Math.exp(2) + Math.exp(-1) + Math.exp(3);
        assertThat(counts[3] / (double) n).isCloseTo(Math.exp(3) / z, org.assertj.core.data.Offset.offset(0.02));
        assertThat(counts[2] / (double) n).isCloseTo(Math.exp(-1) / z, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void theSameSeedGivesTheSameSamples() {
        GenerationConfig cfg = GenerationConfig.builder().temperature(1.5).seed(123).build();
        Sampler a = new Sampler(cfg);
        Sampler b = new Sampler(cfg);
        for (int i = 0; i < 100; i++) {
            assertThat(a.next(logits(), new int[0], 0)).isEqualTo(b.next(logits(), new int[0], 0));
        }
    }
}
