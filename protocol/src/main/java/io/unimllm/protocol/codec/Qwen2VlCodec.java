package io.unimllm.protocol.codec;

import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import java.util.List;

/**
 * Qwen2-VL's dialect: {@code <|object_ref_start|>the man<|object_ref_end|><|box_start|>(123,235),(324,546)
 * <|box_end|>}, integers {@code 0..1000} relative to the original image, x first ({@code round(v / size * 1000)},
 * decoded {@code q * size / 1000}, as Qwen's {@code convert_to_qwen2vl_format}). Several {@code <|box_start|>} in a
 * row share one phrase; {@code <|box_start|>(x,y)<|box_end|>} is a point (GUI clicks); {@code <|quad_start|>} with
 * four pairs is a quadrilateral. The markers are special tokens: decode with special tokens kept.
 */
public final class Qwen2VlCodec extends TagBoxCodec {
    /** Codes per image side; 0 and 1000 lie on the edges. */
    public static final int SCALE = 1000;
    private static final Tag BOX = new Tag("<|box_start|>", "<|box_end|>", false);
    private static final Tag QUAD = new Tag("<|quad_start|>", "<|quad_end|>", true);

    /** The codec. */
    public Qwen2VlCodec() {
        super("Qwen2-VL", "<|object_ref_start|>", "<|object_ref_end|>", List.of(BOX, QUAD),
                CoordinateFrame.Normalized.of(SCALE), true, false);
    }

    @Override
    public String name() {
        return "qwen2-vl";
    }

    @Override
    protected Tag tagFor(Geometry g) {
        return g instanceof Polygon ? QUAD : BOX;
    }

    @Override
    protected String body(Geometry g, CoordinateFrame.Scale s) {
        if (g instanceof Polygon poly && poly.vertices().size() == 4) {
            StringBuilder sb = new StringBuilder();
            for (Point p : poly.vertices()) {
                sb.append(sb.isEmpty() ? "" : ",").append(pair(codes(p, s)));
            }
            return sb.toString();
        }
        String[] q = codes(g, s);
        if (q == null) {
            throw cannotWrite("Qwen2-VL", g);
        }
        return q.length == 2 ? pair(q) : "(" + q[0] + "," + q[1] + "),(" + q[2] + "," + q[3] + ")";
    }

    private static String pair(String[] q) {
        return "(" + q[0] + "," + q[1] + ")";
    }
}
