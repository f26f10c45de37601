package io.unimllm.geometry;

import java.util.Objects;
import java.util.Optional;

/**
 * A geometry the model wrote, with the phrase or label it was attached to when the dialect has one
 * (Qwen-VL's {@code <ref>}, Kosmos-2's {@code <phrase>}, PaliGemma's label).
 *
 * @param geometry the region, in pixels of the original image
 * @param label the phrase or label attached to it, empty when the dialect wrote none
 */
public record Grounding(Geometry geometry, Optional<String> label) {
    /**
     * Checks that both components are present.
     *
     * @param geometry the region
     * @param label the phrase or label, or empty
     * @throws NullPointerException when {@code geometry} or {@code label} is null
     */
    public Grounding {
        Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(label, "label");
    }

    /**
     * A grounding without a label.
     *
     * @param geometry the region
     * @return the grounding
     */
    public static Grounding of(Geometry geometry) {
        return new Grounding(geometry, Optional.empty());
    }

    /**
     * A grounding with a label.
     *
     * @param geometry the region
     * @param label the phrase or label; null gives an unlabelled grounding
     * @return the grounding
     */
    public static Grounding of(Geometry geometry, String label) {
        return new Grounding(geometry, Optional.ofNullable(label));
    }
}
