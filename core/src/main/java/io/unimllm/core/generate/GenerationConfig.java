package io.unimllm.core.generate;

import java.util.Set;

/**
 * How to decode: greedy when {@code temperature == 0}, else sampling with temperature, top-k and top-p (nucleus),
 * with an optional repetition penalty (as transformers applies it) and a seed that makes sampling repeatable.
 * Build with {@link #builder()}.
 */
public final class GenerationConfig {
    private final int maxNewTokens;
    private final double temperature;
    private final int topK;
    private final double topP;
    private final double repetitionPenalty;
    private final long seed;
    private final Set<Integer> stopTokens;
    private final Set<Integer> keepHiddenStatesOf;
    private final boolean useCache;
    private final boolean ignoreEos;

    private GenerationConfig(Builder b) {
        this.maxNewTokens = b.maxNewTokens;
        this.temperature = b.temperature;
        this.topK = b.topK;
        this.topP = b.topP;
        this.repetitionPenalty = b.repetitionPenalty;
        this.seed = b.seed;
        this.stopTokens = Set.copyOf(b.stopTokens);
        this.keepHiddenStatesOf = Set.copyOf(b.keepHiddenStatesOf);
        this.useCache = b.useCache;
        this.ignoreEos = b.ignoreEos;
    }

    /** True when the model's EOS ids do not end generation (explicit stop tokens still do). */
    public boolean ignoreEos() {
        return ignoreEos;
    }

    /** A builder with greedy decoding of up to 256 tokens. */
    public static Builder builder() {
        return new Builder();
    }

    /** Greedy decoding of up to {@code maxNewTokens}, stopping at the model's EOS. */
    public static GenerationConfig greedy(int maxNewTokens) {
        return builder().maxNewTokens(maxNewTokens).build();
    }

    public int maxNewTokens() {
        return maxNewTokens;
    }

    public double temperature() {
        return temperature;
    }

    public int topK() {
        return topK;
    }

    public double topP() {
        return topP;
    }

    public double repetitionPenalty() {
        return repetitionPenalty;
    }

    public long seed() {
        return seed;
    }

    /** Tokens that end a sequence in addition to the model's EOS ids. */
    public Set<Integer> stopTokens() {
        return stopTokens;
    }

    /** Token ids whose last-layer hidden state is kept when generated (task tokens, {@code [SEG]}). */
    public Set<Integer> keepHiddenStatesOf() {
        return keepHiddenStatesOf;
    }

    /** Whether to decode with the KV cache (the default) or recompute the whole sequence each step. */
    public boolean useCache() {
        return useCache;
    }

    /** True when decoding is greedy. */
    public boolean isGreedy() {
        return temperature == 0;
    }

    /** Builder of {@link GenerationConfig}. */
    public static final class Builder {
        private int maxNewTokens = 256;
        private double temperature;
        private int topK;
        private double topP = 1.0;
        private double repetitionPenalty = 1.0;
        private long seed = 42;
        private Set<Integer> stopTokens = Set.of();
        private Set<Integer> keepHiddenStatesOf = Set.of();
        private boolean ignoreEos;
        private boolean useCache = true;

        /** Upper bound of generated tokens (default 256). */
        public Builder maxNewTokens(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + n);
            }
            this.maxNewTokens = n;
            return this;
        }

        /** Sampling temperature; 0 (the default) means greedy. */
        public Builder temperature(double t) {
            if (!(t >= 0) || Double.isInfinite(t)) {
                throw new IllegalArgumentException("temperature must be finite and >= 0, got " + t);
            }
            this.temperature = t;
            return this;
        }

        /** Keep only the k most likely tokens when sampling; 0 (the default) disables. */
        public Builder topK(int k) {
            if (k < 0) {
                throw new IllegalArgumentException("topK must be >= 0, got " + k);
            }
            this.topK = k;
            return this;
        }

        /** Keep the smallest set of tokens whose probability reaches p when sampling; 1 (default) disables. */
        public Builder topP(double p) {
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException("topP must be in (0, 1], got " + p);
            }
            this.topP = p;
            return this;
        }

        /** Penalty for tokens already in the sequence (transformers' semantics); 1 (default) disables. */
        public Builder repetitionPenalty(double p) {
            if (!(p > 0) || Double.isInfinite(p)) {
                throw new IllegalArgumentException("repetitionPenalty must be finite and > 0, got " + p);
            }
            this.repetitionPenalty = p;
            return this;
        }

        /** Seed of the sampler (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Extra stop tokens (the model's EOS ids always stop). */
        public Builder stopTokens(Set<Integer> ids) {
            this.stopTokens = ids;
            return this;
        }

        /** Token ids whose hidden state to keep. */
        public Builder keepHiddenStatesOf(Set<Integer> ids) {
            this.keepHiddenStatesOf = ids;
            return this;
        }

        /** Disable to recompute the whole sequence each step (slow; for checking the cache). */
        public Builder useCache(boolean useCache) {
            this.useCache = useCache;
            return this;
        }

        /** Keep generating past the model's EOS ids, for fixed-length runs such as benchmarks (default false). */
        public Builder ignoreEos(boolean ignoreEos) {
            this.ignoreEos = ignoreEos;
            return this;
        }

        /** Builds the immutable configuration. */
        public GenerationConfig build() {
            return new GenerationConfig(this);
        }
    }
}
