package io.unimllm.training.world.synth;

/** The kinds of shape the synthetic world draws. */
public enum ShapeKind {
    CIRCLE("circle", "circles"),
    SQUARE("square", "squares"),
    TRIANGLE("triangle", "triangles");

    private final String word;
    private final String plural;

    ShapeKind(String word, String plural) {
        this.word = word;
        this.plural = plural;
    }

    /** The singular English word, e.g. {@code "circle"}. */
    public String word() {
        return word;
    }

    /** The plural English word, e.g. {@code "circles"}. */
    public String plural() {
        return plural;
    }

    /**
     * Whether the pixel centre offset {@code (dx, dy)} from the shape centre lies inside a shape of half-extent
     * {@code r}. Circles are discs of radius r, squares have side 2r, triangles point up with base 2r and height 2r.
     */
    boolean contains(double dx, double dy, double r) {
        return switch (this) {
            case CIRCLE -> dx * dx + dy * dy <= r * r;
            case SQUARE -> Math.abs(dx) <= r && Math.abs(dy) <= r;
            // apex at (0,-r), base from (-r,r) to (r,r): the half-width grows linearly from 0 to r going down.
            case TRIANGLE -> dy >= -r && dy <= r && Math.abs(dx) <= (dy + r) / 2.0;
        };
    }
}
