package io.unimllm.protocol.codec;

import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Point;
import java.util.List;

/**
 * MiniCPM-V's dialect (2.5 / 2.6 / 4.5 / o-2.6): {@code <ref>book</ref><box>x1 y1 x2 y2</box>}, points
 * {@code <point>x y</point>}, quadrilaterals {@code <quad>x1 y1 ... y4</quad>}, space-separated integers
 * {@code 0..1000} relative to the original image, x first (the maintainers' description in OpenBMB/MiniCPM-V issues
 * 185, 772 and 982: "normalized to 0-1000"; decode {@code q / 1000 * size}).
 */
public final class MiniCpmVCodec extends TagBoxCodec {
    /** Codes per image side; 0 and 1000 lie on the edges. */
    public static final int SCALE = 1000;
    private static final Tag BOX = new Tag("<box>", "</box>", false);
    private static final Tag POINT = new Tag("<point>", "</point>", false);

    /** The codec. */
    public MiniCpmVCodec() {
        super("MiniCPM-V", "<ref>", "</ref>", List.of(BOX, POINT, new Tag("<quad>", "</quad>", true)),
                CoordinateFrame.Normalized.of(SCALE), true, false);
    }

    @Override
    public String name() {
        return "minicpm-v";
    }

    @Override
    protected Tag tagFor(Geometry g) {
        return g instanceof Point ? POINT : BOX;
    }

    @Override
    protected String body(Geometry g, CoordinateFrame.Scale s) {
        String[] q = codes(g, s);
        if (q == null) {
            throw cannotWrite("MiniCPM-V", g);
        }
        return String.join(" ", q);
    }
}
