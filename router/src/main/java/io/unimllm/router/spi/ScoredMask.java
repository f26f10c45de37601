package io.unimllm.router.spi;

import io.unimllm.geometry.Mask;
import java.util.Objects;

/**
 * A segmented region.
 *
 * @param mask the region, over the whole original image
 * @param score the expert's confidence, in {@code [0, 1]} (not checked)
 * @param label what the region is, or null when the expert does not say
 */
public record ScoredMask(Mask mask, double score, String label) {
    /**
     * Checks that the mask is present.
     *
     * @param mask the region
     * @param score the expert's confidence
     * @param label what the region is, or null
     * @throws NullPointerException when {@code mask} is null
     */
    public ScoredMask {
        Objects.requireNonNull(mask, "mask");
    }
}
