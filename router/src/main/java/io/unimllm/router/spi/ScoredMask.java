package io.unimllm.router.spi;

import io.unimllm.geometry.Mask;
import java.util.Objects;

/** A mask over the original image with the expert's confidence in [0, 1] and an optional label. */
public record ScoredMask(Mask mask, double score, String label) {
    public ScoredMask {
        Objects.requireNonNull(mask, "mask");
    }
}
