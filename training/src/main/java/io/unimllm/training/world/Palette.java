package io.unimllm.training.world;

import java.awt.Color;
import java.util.Locale;

/** Named colours of the synthetic world's shapes (saturated, mutually distinct). */
public enum Palette {
    RED(220, 40, 40), GREEN(40, 170, 60), BLUE(40, 80, 220), YELLOW(235, 210, 40), PURPLE(140, 60, 180),
    ORANGE(240, 140, 30);

    private final Color colour;

    Palette(int r, int g, int b) {
        this.colour = new Color(r, g, b);
    }

    /** The RGB colour. */
    public Color colour() {
        return colour;
    }

    /** Lower-case name. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
