package io.unimllm.core.generate;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next token from a row of logits on the host: repetition penalty, then temperature, top-k and top-p,
 * in the order transformers applies them. Deterministic for a given seed and sequence of calls.
 */
final class Sampler {
    private final GenerationConfig cfg;
    private final Random random;

    Sampler(GenerationConfig cfg) {
        this.cfg = cfg;
        this.random = new Random(cfg.seed());
    }

    /**
     * Applies the repetition penalty in place: for each distinct token seen, a positive logit is divided by the
     * penalty and a negative one multiplied.
     */
    static void penalise(float[] logits, int[] seen, int seenLength, double penalty) {
        if (penalty == 1.0) {
            return;
        }
        boolean[] done = new boolean[logits.length];
        for (int i = 0; i < seenLength; i++) {
            int t = seen[i];
            if (t >= 0 && t < logits.length && !done[t]) {
                done[t] = true;
                logits[t] = (float) (logits[t] > 0 ? logits[t] / penalty : logits[t] * penalty);
            }
        }
    }

    /** The next token for one row; {@code logits} may be modified. */
    int next(float[] logits, int[] seen, int seenLength) {
        penalise(logits, seen, seenLength, cfg.repetitionPenalty());
        if (cfg.isGreedy()) {
            return argMax(logits);
        }
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int keep = cfg.topK() > 0 ? Math.min(cfg.topK(), n) : n;
        double max = logits[order[0]] / cfg.temperature();
        double[] probs = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            probs[i] = Math.exp(logits[order[i]] / cfg.temperature() - max);
            sum += probs[i];
        }
        // Nucleus: the smallest prefix whose probability reaches top_p (at least one token).
        double cumulative = 0;
        int cut = keep;
        for (int i = 0; i < keep; i++) {
            cumulative += probs[i] / sum;
            if (cumulative >= cfg.topP()) {
                cut = i + 1;
                break;
            }
        }
        double total = 0;
        for (int i = 0; i < cut; i++) {
            total += probs[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < cut; i++) {
            r -= probs[i];
            if (r <= 0) {
                return order[i];
            }
        }
        return order[cut - 1];
    }

    static int argMax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
