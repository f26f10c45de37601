package io.unimllm.geometry;

import java.util.Objects;
import java.util.Optional;

/**
 * A geometry the model wrote, with the phrase or label it was attached to when the dialect has one
 * (Qwen-VL's {@code <ref>}, Kosmos-2's {@code <phrase>}, PaliGemma's label).
 */
public record Grounding(Geometry geometry, Optional<String> label) {
    public Grounding {
        Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(label, "label");
    }

    public static Grounding of(Geometry geometry) {
        return new Grounding(geometry, Optional.empty());
    }

    public static Grounding of(Geometry geometry, String label) {
        return new Grounding(geometry, Optional.ofNullable(label));
    }
}
