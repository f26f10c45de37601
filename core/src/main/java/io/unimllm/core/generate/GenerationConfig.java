package io.unimllm.core.generate;

import java.util.EnumSet;
import java.util.Set;

/**
 * How to decode: greedy when {@code temperature == 0}, else sampling with temperature, top-k and top-p (nucleus),
 * with an optional repetition penalty (as transformers applies it) and a seed that makes sampling repeatable.
 * Build with {@link #builder()}, or change a copy with {@link #toBuilder()}.
 *
 * <p>A configuration remembers which settings were set explicitly ({@link #explicitSettings()}), so that one can be
 * laid over another: {@code defaults.overlay(mine)} takes {@code mine}'s explicit settings and keeps the defaults'
 * others. The runtime lays a caller's configuration over its own defaults this way, so that setting a temperature
 * keeps the task tokens' hidden states and the tokenizer's stop ids.
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
    private final Set<Setting> explicit;

    /** The settings of a configuration, for {@link #explicitSettings()} and {@link #overlay(GenerationConfig)}. */
    public enum Setting {
        /** {@link Builder#maxNewTokens(int)}. */
        MAX_NEW_TOKENS,
        /** {@link Builder#temperature(double)}. */
        TEMPERATURE,
        /** {@link Builder#topK(int)}. */
        TOP_K,
        /** {@link Builder#topP(double)}. */
        TOP_P,
        /** {@link Builder#repetitionPenalty(double)}. */
        REPETITION_PENALTY,
        /** {@link Builder#seed(long)}. */
        SEED,
        /** {@link Builder#stopTokens(Set)}. */
        STOP_TOKENS,
        /** {@link Builder#keepHiddenStatesOf(Set)}. */
        KEEP_HIDDEN_STATES_OF,
        /** {@link Builder#useCache(boolean)}. */
        USE_CACHE,
        /** {@link Builder#ignoreEos(boolean)}. */
        IGNORE_EOS
    }

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
        this.explicit = b.explicit.isEmpty() ? Set.of() : Set.copyOf(b.explicit);
    }

    /**
     * A builder holding this configuration's values, with the same settings marked explicit; what the builder then
     * sets is explicit too.
     *
     * @return a builder to change a copy of this configuration
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxNewTokens = maxNewTokens;
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.repetitionPenalty = repetitionPenalty;
        b.seed = seed;
        b.stopTokens = stopTokens;
        b.keepHiddenStatesOf = keepHiddenStatesOf;
        b.useCache = useCache;
        b.ignoreEos = ignoreEos;
        b.explicit.addAll(explicit);
        return b;
    }

    /**
     * The settings that were set explicitly on the builder (directly or through a configuration this one was copied
     * from); the others hold their defaults.
     *
     * @return the explicitly set settings
     */
    public Set<Setting> explicitSettings() {
        return explicit;
    }

    /**
     * This configuration with {@code over}'s explicit settings laid over it: each setting {@code over} set explicitly
     * replaces this one's, every other setting keeps this configuration's value.
     *
     * @param over the configuration whose explicit settings win
     * @return the combined configuration; its explicit settings are the union of both
     */
    public GenerationConfig overlay(GenerationConfig over) {
        Builder b = toBuilder();
        for (Setting s : over.explicit) {
            switch (s) {
                case MAX_NEW_TOKENS -> b.maxNewTokens(over.maxNewTokens);
                case TEMPERATURE -> b.temperature(over.temperature);
                case TOP_K -> b.topK(over.topK);
                case TOP_P -> b.topP(over.topP);
                case REPETITION_PENALTY -> b.repetitionPenalty(over.repetitionPenalty);
                case SEED -> b.seed(over.seed);
                case STOP_TOKENS -> b.stopTokens(over.stopTokens);
                case KEEP_HIDDEN_STATES_OF -> b.keepHiddenStatesOf(over.keepHiddenStatesOf);
                case USE_CACHE -> b.useCache(over.useCache);
                case IGNORE_EOS -> b.ignoreEos(over.ignoreEos);
            }
        }
        return b.build();
    }

    /**
     * Whether to generate past the model's EOS ids.
     *
     * @return true when the model's EOS ids do not end generation (explicit stop tokens still do)
     */
    public boolean ignoreEos() {
        return ignoreEos;
    }

    /**
     * A builder with the defaults: greedy decoding of up to 256 tokens with the KV cache, nothing set explicitly.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Greedy decoding of up to {@code maxNewTokens}, stopping at the model's EOS.
     *
     * @param maxNewTokens the most tokens to generate, at least 1
     * @return a configuration with only {@link Setting#MAX_NEW_TOKENS} explicit
     * @throws IllegalArgumentException when {@code maxNewTokens} is below 1
     */
    public static GenerationConfig greedy(int maxNewTokens) {
        return builder().maxNewTokens(maxNewTokens).build();
    }

    /**
     * The most tokens to generate.
     *
     * @return the upper bound of generated tokens
     */
    public int maxNewTokens() {
        return maxNewTokens;
    }

    /**
     * The sampling temperature.
     *
     * @return the temperature; 0 means greedy
     */
    public double temperature() {
        return temperature;
    }

    /**
     * The top-k cut of sampling.
     *
     * @return how many of the most likely tokens sampling keeps; 0 keeps all
     */
    public int topK() {
        return topK;
    }

    /**
     * The nucleus (top-p) cut of sampling.
     *
     * @return the probability mass sampling keeps; 1 keeps all
     */
    public double topP() {
        return topP;
    }

    /**
     * The repetition penalty, as transformers applies it.
     *
     * @return the penalty; 1 disables it
     */
    public double repetitionPenalty() {
        return repetitionPenalty;
    }

    /**
     * The sampler's seed.
     *
     * @return the seed that makes sampling repeatable
     */
    public long seed() {
        return seed;
    }

    /**
     * Tokens that end a sequence in addition to the model's EOS ids.
     *
     * @return the extra stop token ids, immutable
     */
    public Set<Integer> stopTokens() {
        return stopTokens;
    }

    /**
     * Token ids whose last-layer hidden state is kept when generated (task tokens, {@code [SEG]}).
     *
     * @return the token ids, immutable
     */
    public Set<Integer> keepHiddenStatesOf() {
        return keepHiddenStatesOf;
    }

    /**
     * Whether to decode with the KV cache (the default) or recompute the whole sequence each step.
     *
     * @return true to decode with the KV cache
     */
    public boolean useCache() {
        return useCache;
    }

    /**
     * Whether decoding is greedy.
     *
     * @return true when the temperature is 0
     */
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
        private final Set<Setting> explicit = EnumSet.noneOf(Setting.class);

        private Builder() {
        }

        /**
         * Upper bound of generated tokens (default 256).
         *
         * @param n the most tokens to generate, at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code n} is below 1
         */
        public Builder maxNewTokens(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + n);
            }
            this.maxNewTokens = n;
            explicit.add(Setting.MAX_NEW_TOKENS);
            return this;
        }

        /**
         * Sampling temperature; 0 (the default) means greedy.
         *
         * @param t the temperature, finite and at least 0
         * @return this builder
         * @throws IllegalArgumentException when {@code t} is negative, NaN or infinite
         */
        public Builder temperature(double t) {
            if (!(t >= 0) || Double.isInfinite(t)) {
                throw new IllegalArgumentException("temperature must be finite and >= 0, got " + t);
            }
            this.temperature = t;
            explicit.add(Setting.TEMPERATURE);
            return this;
        }

        /**
         * Keep only the k most likely tokens when sampling; 0 (the default) disables.
         *
         * @param k how many tokens to keep, at least 0
         * @return this builder
         * @throws IllegalArgumentException when {@code k} is negative
         */
        public Builder topK(int k) {
            if (k < 0) {
                throw new IllegalArgumentException("topK must be >= 0, got " + k);
            }
            this.topK = k;
            explicit.add(Setting.TOP_K);
            return this;
        }

        /**
         * Keep the smallest set of tokens whose probability reaches p when sampling; 1 (default) disables.
         *
         * @param p the probability mass, in (0, 1]
         * @return this builder
         * @throws IllegalArgumentException when {@code p} is outside (0, 1]
         */
        public Builder topP(double p) {
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException("topP must be in (0, 1], got " + p);
            }
            this.topP = p;
            explicit.add(Setting.TOP_P);
            return this;
        }

        /**
         * Penalty for tokens already in the sequence (transformers' semantics); 1 (default) disables.
         *
         * @param p the penalty, finite and above 0
         * @return this builder
         * @throws IllegalArgumentException when {@code p} is not above 0, NaN or infinite
         */
        public Builder repetitionPenalty(double p) {
            if (!(p > 0) || Double.isInfinite(p)) {
                throw new IllegalArgumentException("repetitionPenalty must be finite and > 0, got " + p);
            }
            this.repetitionPenalty = p;
            explicit.add(Setting.REPETITION_PENALTY);
            return this;
        }

        /**
         * Seed of the sampler (default 42).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            explicit.add(Setting.SEED);
            return this;
        }

        /**
         * Extra stop tokens (the model's EOS ids stop too, unless {@link #ignoreEos(boolean)} is set).
         *
         * @param ids the stop token ids, copied
         * @return this builder
         */
        public Builder stopTokens(Set<Integer> ids) {
            this.stopTokens = Set.copyOf(ids);
            explicit.add(Setting.STOP_TOKENS);
            return this;
        }

        /**
         * Token ids whose last-layer hidden state to keep when generated (default none).
         *
         * @param ids the token ids, copied
         * @return this builder
         */
        public Builder keepHiddenStatesOf(Set<Integer> ids) {
            this.keepHiddenStatesOf = Set.copyOf(ids);
            explicit.add(Setting.KEEP_HIDDEN_STATES_OF);
            return this;
        }

        /**
         * Disable to recompute the whole sequence each step (slow; for checking the cache).
         *
         * @param useCache false to decode without the KV cache (default true)
         * @return this builder
         */
        public Builder useCache(boolean useCache) {
            this.useCache = useCache;
            explicit.add(Setting.USE_CACHE);
            return this;
        }

        /**
         * Keep generating past the model's EOS ids, for fixed-length runs such as benchmarks (default false).
         *
         * @param ignoreEos true to not stop at the model's EOS ids
         * @return this builder
         */
        public Builder ignoreEos(boolean ignoreEos) {
            this.ignoreEos = ignoreEos;
            explicit.add(Setting.IGNORE_EOS);
            return this;
        }

        /**
         * Builds the immutable configuration.
         *
         * @return a configuration with this builder's values and explicit settings
         */
        public GenerationConfig build() {
            return new GenerationConfig(this);
        }
    }
}
