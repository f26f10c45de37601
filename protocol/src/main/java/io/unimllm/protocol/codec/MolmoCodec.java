package io.unimllm.protocol.codec;

import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import java.util.List;

/**
 * Molmo's (2024, PixMo) dialect: {@code <point x="61.5" y="40.6" alt="the dog">the dog</point>} and, for several,
 * {@code <points x1="10.0" y1="20.0" x2="30.0" y2="40.0" alt="hands">hands</points>}, in <b>percent</b> of the image
 * ({@code 0..100}, one decimal), x first, decoded {@code v / 100 * size} (allenai/molmo {@code extract_points}, which
 * treats values above 100 as invalid). Molmo points only; it writes no boxes. The label is the element's text, else
 * its {@code alt}.
 */
public final class MolmoCodec extends AbstractCodec {
    /** Percent: 100 lies on the right and bottom edges. */
    public static final int SCALE = 100;
    private static final CoordinateFrame FRAME = new CoordinateFrame.Normalized(SCALE, SCALE, 1);

    /**
     * The frame the dialect's numbers are in.
     *
     * @return {@code 0..100} with one decimal
     */
    public CoordinateFrame frame() {
        return FRAME;
    }

    @Override
    public String name() {
        return "molmo";
    }

    @Override
    public String separator() {
        return " ";
    }

    @Override
    public String startChars() {
        return "<";
    }

    @Override
    protected List<String> openers() {
        return List.of("<points ", "<point ");
    }

    @Override
    public String encode(Grounding grounding, int w, int h) {
        if (!(grounding.geometry() instanceof Point p)) {
            throw cannotWrite("Molmo", grounding.geometry());
        }
        return XmlPoints.encode(p, grounding.label().orElse(""), FRAME.scale(w, h));
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        return XmlPoints.scan(c, FRAME.scale(w, h), "Molmo");
    }
}
