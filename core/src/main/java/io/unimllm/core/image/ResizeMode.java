package io.unimllm.core.image;

/** How an image of any aspect ratio becomes the square input of the vision tower. */
public enum ResizeMode {
    /** CLIP's processor: resize the shortest edge to the target, then centre-crop a square (drops the borders). */
    SHORTEST_EDGE_CENTER_CROP,
    /**
     * LLaVA-1.5's {@code image_aspect_ratio: pad}: pad to a square with the mean colour (keeps the whole image),
     * then resize.
     */
    PAD_TO_SQUARE,
    /** Resize to the target square directly, distorting the aspect ratio. */
    STRETCH
}
