package io.unimllm.protocol.codec;

import io.unimllm.geometry.Geometry;
import java.util.List;

/**
 * GLM-4.1V / 4.5V / 4.6V's dialect (and CogAgent-9B's): {@code <|begin_of_box|>[816, 162, 838, 172]<|end_of_box|>},
 * several boxes as {@code [[...], [...]]}, a point as {@code [x, y]}, integers {@code 0..1000} relative to the image,
 * x first ({@code x = round(x_pixel / W * 1000)}, zai-org's {@code glmv-grounding} skill). For detection GLM also
 * prints JSON {@code bbox_2d} / {@code point_2d} in the same frame, which this codec reads too. The box markers also
 * wrap answers that are not coordinates ({@code <|begin_of_box|>B<|end_of_box|>}): those stay text, markers included.
 */
public final class Glm4vCodec extends TagBoxCodec {
    /** Codes per image side; 0 and 1000 lie on the edges. */
    public static final int SCALE = 1000;
    private static final JsonGroundings.Keys JSON = new JsonGroundings.Keys("bbox_2d", "point_2d", false, false);

    /** The codec. */
    public Glm4vCodec() {
        super("GLM-4V", null, null, List.of(new Tag("<|begin_of_box|>", "<|end_of_box|>", false)),
                CoordinateFrame.Normalized.of(SCALE), false, true);
    }

    @Override
    public String name() {
        return "glm4v";
    }

    @Override
    public String startChars() {
        return "<`[{";
    }

    @Override
    protected String body(Geometry g, CoordinateFrame.Scale s) {
        String[] q = codes(g, s);
        if (q == null) {
            throw cannotWrite("GLM-4V", g);
        }
        return "[" + String.join(", ", q) + "]";
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        if (JsonGroundings.startChar(c.peek())) {
            return JsonGroundings.scan(c, JSON, frame().scale(w, h), "GLM-4V");
        }
        return super.scanAt(c, w, h);
    }
}
