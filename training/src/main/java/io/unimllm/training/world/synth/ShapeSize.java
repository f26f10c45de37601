package io.unimllm.training.world.synth;

/** The two shape sizes, as a fraction of the image side (half-extent of the shape). */
public enum ShapeSize {
    SMALL("small", 0.09),
    LARGE("large", 0.16);

    private final String word;
    private final double halfExtent;

    ShapeSize(String word, double halfExtent) {
        this.word = word;
        this.halfExtent = halfExtent;
    }

    /** The English word, e.g. {@code "small"}. */
    public String word() {
        return word;
    }

    /** Half-extent in pixels for an image of the given side, at least 2 pixels. */
    public double halfExtent(int imageSize) {
        return Math.max(2.0, Math.round(halfExtent * imageSize));
    }
}
