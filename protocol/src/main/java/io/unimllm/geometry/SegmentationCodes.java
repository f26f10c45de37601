package io.unimllm.geometry;

import java.util.Arrays;

/**
 * Mask codes a model emitted for a box (PaliGemma's 16 {@code <segNNN>} tokens): handed on as codes, to be
 * decoded into a mask by an expert that owns the matching decoder.
 *
 * @param box the box the mask is relative to
 * @param codes the code indices in the order the model emitted them
 * @param codebook the name of the codebook the codes index (for example {@code "paligemma-vqvae"})
 */
public record SegmentationCodes(Box box, int[] codes, String codebook) implements Geometry {
    /**
     * Copies {@code codes}, so later changes to the caller's array do not reach this value.
     *
     * @param box the box the mask is relative to
     * @param codes the code indices in emission order
     * @param codebook the codebook's name
     */
    public SegmentationCodes {
        codes = codes.clone();
    }

    /**
     * The code indices.
     *
     * @return a copy of the codes, in the order the model emitted them
     */
    @Override
    public int[] codes() {
        return codes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentationCodes s && box.equals(s.box) && Arrays.equals(codes, s.codes)
                && codebook.equals(s.codebook);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * box.hashCode() + Arrays.hashCode(codes)) + codebook.hashCode();
    }

    @Override
    public String toString() {
        return "SegmentationCodes[box=" + box + ", codes=" + Arrays.toString(codes) + ", codebook=" + codebook + "]";
    }
}
