package io.unimllm.protocol.codec;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen-VL's dialect: {@code <ref>the dog</ref><box>(120,300),(560,880)</box>}, integers {@code 0..1000} on a grid
 * whose 0 and 1000 lie on the image edges, x first. Encode {@code round(v / size * 1000)}; decode
 * {@code q * size / 1000} (as Qwen-VL's own drawing code). A {@code <ref>} may be followed by several boxes; a
 * {@code <ref>} without a box is plain text. A box holding one point, {@code <box>(x,y)</box>}, is a
 * {@link Point} with the phrase as its label.
 */
public final class QwenVlCodec extends AbstractCodec {
    /** Grid divisions per image side; codes run 0..SCALE. */
    public static final int SCALE = 1000;

    @Override
    public String name() {
        return "qwen-vl";
    }

    @Override
    public String separator() {
        return "";
    }

    @Override
    public String startChars() {
        return "<";
    }

    @Override
    protected List<String> openers() {
        return List.of("<ref>", "<box>");
    }

    @Override
    public String encode(Grounding grounding, int w, int h) {
        Quantizer.checkSize(w, h);
        Geometry g = grounding.geometry();
        String ref = grounding.label().map(l -> "<ref>" + l + "</ref>").orElse("");
        if (g instanceof Point p) {
            return ref + "<box>(" + Quantizer.gridRound(p.x(), w, SCALE, SCALE) + ","
                    + Quantizer.gridRound(p.y(), h, SCALE, SCALE) + ")</box>";
        }
        if (!(g instanceof Box b)) {
            throw new IllegalArgumentException("the Qwen-VL dialect cannot write " + g.getClass().getSimpleName());
        }
        return ref + "<box>(" + Quantizer.gridRound(b.x1(), w, SCALE, SCALE) + ","
                + Quantizer.gridRound(b.y1(), h, SCALE, SCALE) + "),(" + Quantizer.gridRound(b.x2(), w, SCALE, SCALE)
                + "," + Quantizer.gridRound(b.y2(), h, SCALE, SCALE) + ")</box>";
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        int at = c.pos;
        String label = null;
        if (c.accept("<ref>")) {
            label = c.readUntilAny("<").strip();
            if (!c.accept("</ref>")) {
                if (c.atEof() || c.truncatedPrefixOf("</ref>")) {
                    c.toEnd();
                    return match(c, List.of(), List.of(ParseWarning.at(Kind.UNTERMINATED_GROUNDING, at,
                            "output ends inside <ref> before </ref>; dropped")));
                }
                return ScanResult.NO_MATCH;
            }
        }
        if (!c.lookingAt("<box>")) {
            return ScanResult.NO_MATCH;
        }
        List<ParseWarning> warnings = new ArrayList<>();
        List<Grounding> out = new ArrayList<>();
        while (c.lookingAt("<box>")) {
            int t = c.pos;
            c.accept("<box>");
            Numbers n = readInts(c, t, "<box>", "</box>", "(),");
            if (!n.ok()) {
                warnings.add(n.problem());
                break;
            }
            int count = n.values().size();
            if (count != 4 && count != 2) {
                warnings.add(arity(t, "Qwen-VL <box>", count, "4 (box) or 2 (point)"));
                continue;
            }
            long[] q = new long[count];
            for (int i = 0; i < count; i++) {
                q[i] = clampWarn(n.values().get(i), 0, SCALE, n.positions().get(i), "Qwen-VL <box>", warnings);
            }
            Geometry g;
            if (count == 2) {
                g = new Point(Quantizer.gridValue(q[0], w, SCALE), Quantizer.gridValue(q[1], h, SCALE));
            } else {
                q = orderCorners(q, t, "Qwen-VL <box>", warnings);
                g = new Box(Quantizer.gridValue(q[0], w, SCALE), Quantizer.gridValue(q[1], h, SCALE),
                        Quantizer.gridValue(q[2], w, SCALE), Quantizer.gridValue(q[3], h, SCALE));
            }
            out.add(labelled(g, label));
        }
        return match(c, out, warnings);
    }
}
