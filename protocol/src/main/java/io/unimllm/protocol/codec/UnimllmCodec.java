package io.unimllm.protocol.codec;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * unimllm's default dialect: {@code <box>x1,y1,x2,y2</box>}, {@code <point>x,y</point>} and
 * {@code <poly>x1,y1,x2,y2,x3,y3,...</poly>}, integers {@code 0..999} in 1000 bins of the original image, x first.
 * Encode {@code floor(v / size * 1000)} clamped to {@code 0..999}; decode to the bin centre
 * {@code (q + 0.5) * size / 1000}. Labels are not written (the task arguments carry the phrase).
 */
public final class UnimllmCodec extends AbstractCodec {
    /** Number of bins per image side. */
    public static final int BINS = 1000;

    @Override
    public String name() {
        return "unimllm";
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
        return List.of("<box>", "<point>", "<poly>");
    }

    @Override
    public String encode(Grounding grounding, int w, int h) {
        Quantizer.checkSize(w, h);
        Geometry g = grounding.geometry();
        if (g instanceof Box b) {
            return "<box>" + Quantizer.bin(b.x1(), w, BINS) + "," + Quantizer.bin(b.y1(), h, BINS) + ","
                    + Quantizer.bin(b.x2(), w, BINS) + "," + Quantizer.bin(b.y2(), h, BINS) + "</box>";
        }
        if (g instanceof Point p) {
            return "<point>" + Quantizer.bin(p.x(), w, BINS) + "," + Quantizer.bin(p.y(), h, BINS) + "</point>";
        }
        if (g instanceof Polygon poly) {
            StringBuilder sb = new StringBuilder("<poly>");
            for (Point p : poly.vertices()) {
                if (sb.length() > "<poly>".length()) {
                    sb.append(',');
                }
                sb.append(Quantizer.bin(p.x(), w, BINS)).append(',').append(Quantizer.bin(p.y(), h, BINS));
            }
            return sb.append("</poly>").toString();
        }
        throw new IllegalArgumentException("the unimllm dialect cannot write " + g.getClass().getSimpleName());
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        int at = c.pos;
        String open;
        if (c.accept("<box>")) {
            open = "box";
        } else if (c.accept("<point>")) {
            open = "point";
        } else if (c.accept("<poly>")) {
            open = "poly";
        } else {
            return ScanResult.NO_MATCH;
        }
        List<ParseWarning> warnings = new ArrayList<>();
        Numbers n = readInts(c, at, "<" + open + ">", "</" + open + ">", ",");
        if (!n.ok()) {
            return match(c, List.of(), List.of(n.problem()));
        }
        int count = n.values().size();
        long[] q = new long[count];
        for (int i = 0; i < count; i++) {
            q[i] = clampWarn(n.values().get(i), 0, BINS - 1, n.positions().get(i), "<" + open + ">", warnings);
        }
        Geometry g;
        switch (open) {
            case "box" -> {
                if (count != 4) {
                    return match(c, List.of(), List.of(arity(at, "<box>", count, "4")));
                }
                q = orderCorners(q, at, "<box>", warnings);
                g = new Box(Quantizer.binCentre(q[0], w, BINS), Quantizer.binCentre(q[1], h, BINS),
                        Quantizer.binCentre(q[2], w, BINS), Quantizer.binCentre(q[3], h, BINS));
            }
            case "point" -> {
                if (count != 2) {
                    return match(c, List.of(), List.of(arity(at, "<point>", count, "2")));
                }
                g = new Point(Quantizer.binCentre(q[0], w, BINS), Quantizer.binCentre(q[1], h, BINS));
            }
            default -> {
                if (count < 6 || count % 2 != 0) {
                    return match(c, List.of(), List.of(arity(at, "<poly>", count, "an even number >= 6")));
                }
                List<Point> pts = new ArrayList<>();
                for (int i = 0; i < count; i += 2) {
                    pts.add(new Point(Quantizer.binCentre(q[i], w, BINS), Quantizer.binCentre(q[i + 1], h, BINS)));
                }
                g = new Polygon(pts);
            }
        }
        return match(c, List.of(Grounding.of(g)), warnings);
    }
}
