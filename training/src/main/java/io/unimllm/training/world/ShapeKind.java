package io.unimllm.training.world;

/** Kinds of shapes in the synthetic world. */
public enum ShapeKind {
    CIRCLE, SQUARE, TRIANGLE;

    /** Lower-case singular name. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Lower-case plural name. */
    public String plural() {
        return word() + "s";
    }
}
