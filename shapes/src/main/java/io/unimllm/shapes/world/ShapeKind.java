package io.unimllm.shapes.world;

/** Kinds of shapes in the synthetic world. */
public enum ShapeKind {
    /** A disc. */
    CIRCLE,
    /** An axis-aligned square. */
    SQUARE,
    /** An isosceles triangle, apex up. */
    TRIANGLE;

    /**
     * The singular word instructions and answers use.
     *
     * @return the lower-case singular name, e.g. {@code circle}
     */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The plural word instructions use.
     *
     * @return the lower-case plural name, e.g. {@code circles}
     */
    public String plural() {
        return word() + "s";
    }
}
