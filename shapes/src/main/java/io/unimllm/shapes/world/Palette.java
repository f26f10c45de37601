package io.unimllm.shapes.world;

import java.awt.Color;
import java.util.Locale;

/** Named colours of the synthetic world's shapes (saturated, mutually distinct). */
public enum Palette {
    /** Red. */
    RED(220, 40, 40),
    /** Green. */
    GREEN(40, 170, 60),
    /** Blue. */
    BLUE(40, 80, 220),
    /** Yellow. */
    YELLOW(235, 210, 40),
    /** Purple. */
    PURPLE(140, 60, 180),
    /** Orange. */
    ORANGE(240, 140, 30);

    private final Color colour;

    Palette(int r, int g, int b) {
        this.colour = new Color(r, g, b);
    }

    /**
     * The colour shapes of this name are drawn in.
     *
     * @return the RGB colour
     */
    public Color colour() {
        return colour;
    }

    /**
     * The word instructions and answers use.
     *
     * @return the lower-case name, e.g. {@code red}
     */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
