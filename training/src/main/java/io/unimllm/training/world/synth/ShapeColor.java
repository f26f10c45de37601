package io.unimllm.training.world.synth;

/** The colours shapes can have; all saturated, so none can be confused with the muted backgrounds. */
public enum ShapeColor {
    RED("red", 0xDC2828),
    GREEN("green", 0x28AA3C),
    BLUE("blue", 0x2850DC),
    YELLOW("yellow", 0xEBD228),
    PURPLE("purple", 0x8C3CB4),
    ORANGE("orange", 0xF58C1E);

    private final String word;
    private final int rgb;

    ShapeColor(String word, int rgb) {
        this.word = word;
        this.rgb = rgb;
    }

    /** The English word, e.g. {@code "red"}. */
    public String word() {
        return word;
    }

    /** The colour as {@code 0xRRGGBB}. */
    public int rgb() {
        return rgb;
    }
}
