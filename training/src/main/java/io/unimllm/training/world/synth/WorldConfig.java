package io.unimllm.training.world.synth;

import java.util.EnumMap;
import java.util.Map;

/**
 * How the world draws samples.
 *
 * @param imageSize image side in pixels (the tiny model uses 48 or 64)
 * @param maxShapes most shapes per scene, 1..4
 * @param taskWeights relative frequency of each task kind; kinds absent or weighted 0 never occur
 */
public record WorldConfig(int imageSize, int maxShapes, Map<TaskKind, Double> taskWeights) {
    public WorldConfig {
        if (imageSize < 24) {
            throw new IllegalArgumentException("imageSize must be at least 24, got " + imageSize);
        }
        if (maxShapes < 1 || maxShapes > 4) {
            throw new IllegalArgumentException("maxShapes must be in 1..4, got " + maxShapes);
        }
        EnumMap<TaskKind, Double> w = new EnumMap<>(TaskKind.class);
        w.putAll(taskWeights);
        if (w.values().stream().anyMatch(v -> v == null || v < 0 || !Double.isFinite(v))
                || w.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new IllegalArgumentException("task weights must be finite, >= 0 and not all 0: " + taskWeights);
        }
        taskWeights = Map.copyOf(w);
    }

    /** 64 px images, up to 4 shapes, every task kind equally likely. */
    public static WorldConfig defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link WorldConfig}. */
    public static final class Builder {
        private int imageSize = 64;
        private int maxShapes = 4;
        private final EnumMap<TaskKind, Double> weights = new EnumMap<>(TaskKind.class);

        private Builder() {
            for (TaskKind k : TaskKind.values()) {
                weights.put(k, 1.0);
            }
        }

        /** Image side in pixels. */
        public Builder imageSize(int size) {
            this.imageSize = size;
            return this;
        }

        /** Most shapes per scene. */
        public Builder maxShapes(int n) {
            this.maxShapes = n;
            return this;
        }

        /** Relative frequency of {@code kind}; 0 disables it. */
        public Builder weight(TaskKind kind, double weight) {
            weights.put(kind, weight);
            return this;
        }

        /** Only these task kinds, equally likely. */
        public Builder only(TaskKind... kinds) {
            weights.clear();
            for (TaskKind k : kinds) {
                weights.put(k, 1.0);
            }
            return this;
        }

        /** The configuration. */
        public WorldConfig build() {
            return new WorldConfig(imageSize, maxShapes, weights);
        }
    }
}
