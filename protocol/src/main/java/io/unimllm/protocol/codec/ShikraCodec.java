package io.unimllm.protocol.codec;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shikra's (and GroundingGPT's) dialect: plain text {@code [0.123,0.456,0.789,0.901]} with coordinates normalised
 * to {@code [0, 1]} by the image size, 3 decimals, x first; {@code ;} joins several boxes inside one bracket
 * ({@code [0.1,0.2,0.3,0.4;0.5,0.6,0.7,0.8]}); a point is {@code [x,y]}. Decode {@code v * size}.
 *
 * <p>Because the form is plain text, a bracket is read as a grounding only when it holds nothing but decimal
 * numbers (each with a {@code .}) separated by {@code ,} or {@code ;}; anything else ({@code [1]}, {@code [see
 * above]}) stays text. Labels are not written.
 */
public final class ShikraCodec extends AbstractCodec {

    @Override
    public String name() {
        return "shikra";
    }

    @Override
    public String separator() {
        return ";";
    }

    @Override
    public String startChars() {
        return "[";
    }

    @Override
    protected List<String> openers() {
        return List.of();
    }

    private static String num(double v, int size) {
        return String.format(Locale.ROOT, "%.3f", Math.max(0, Math.min(1, v / size)));
    }

    private static String body(Grounding grounding, int w, int h) {
        Geometry g = grounding.geometry();
        if (g instanceof Box b) {
            return num(b.x1(), w) + "," + num(b.y1(), h) + "," + num(b.x2(), w) + "," + num(b.y2(), h);
        }
        if (g instanceof Point p) {
            return num(p.x(), w) + "," + num(p.y(), h);
        }
        throw new IllegalArgumentException("the Shikra dialect cannot write " + g.getClass().getSimpleName());
    }

    @Override
    public String encode(Grounding grounding, int w, int h) {
        Quantizer.checkSize(w, h);
        return "[" + body(grounding, w, h) + "]";
    }

    /** Writes all groundings inside one bracket joined by {@code ;}, as Shikra does. */
    @Override
    public String encodeAll(List<Grounding> groundings, int w, int h) {
        Quantizer.checkSize(w, h);
        if (groundings.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("[");
        for (Grounding g : groundings) {
            if (sb.length() > 1) {
                sb.append(';');
            }
            sb.append(body(g, w, h));
        }
        return sb.append(']').toString();
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        int at = c.pos;
        if (!c.accept("[")) {
            return ScanResult.NO_MATCH;
        }
        List<List<double[]>> groups = new ArrayList<>(); // entries {value, charPos}
        List<double[]> group = new ArrayList<>();
        groups.add(group);
        while (true) {
            c.skipSpaces();
            int t = c.pos;
            String d = c.readDecimal();
            if (d == null || d.indexOf('.') < 0) {
                if (d == null && c.atEof()) {
                    return truncated(c, at);
                }
                return ScanResult.NO_MATCH;
            }
            group.add(new double[] {Double.parseDouble(d), t});
            c.skipSpaces();
            int ch = c.peek();
            if (ch == ',') {
                c.pos++;
            } else if (ch == ';') {
                c.pos++;
                group = new ArrayList<>();
                groups.add(group);
            } else if (ch == ']') {
                c.pos++;
                break;
            } else if (ch == Cursor.EOF) {
                return truncated(c, at);
            } else {
                return ScanResult.NO_MATCH;
            }
        }
        List<ParseWarning> warnings = new ArrayList<>();
        List<Grounding> out = new ArrayList<>();
        for (List<double[]> gr : groups) {
            double[] v = new double[gr.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = gr.get(i)[0];
                if (v[i] < 0 || v[i] > 1) {
                    double r = Math.max(0, Math.min(1, v[i]));
                    warnings.add(ParseWarning.at(Kind.OUT_OF_RANGE, (int) gr.get(i)[1],
                            "Shikra coordinate " + v[i] + " outside 0..1; clamped to " + r));
                    v[i] = r;
                }
            }
            int start = (int) gr.get(0)[1];
            if (v.length == 2) {
                out.add(Grounding.of(new Point(v[0] * w, v[1] * h)));
            } else if (v.length == 4) {
                if (v[2] < v[0] || v[3] < v[1]) {
                    warnings.add(ParseWarning.at(Kind.SWAPPED_CORNERS, start, "Shikra box corners out of order ("
                            + v[0] + "," + v[1] + "," + v[2] + "," + v[3] + "); swapped"));
                }
                out.add(Grounding.of(new Box(Math.min(v[0], v[2]) * w, Math.min(v[1], v[3]) * h,
                        Math.max(v[0], v[2]) * w, Math.max(v[1], v[3]) * h)));
            } else {
                warnings.add(arity(start, "Shikra grounding", v.length, "4 (box) or 2 (point)"));
            }
        }
        return match(c, out, warnings);
    }

    private static ScanResult truncated(Cursor c, int at) {
        c.toEnd();
        return match(c, List.of(), List.of(ParseWarning.at(Kind.TRUNCATED_TOKEN, at,
                "output ends inside a Shikra [...] grounding; dropped")));
    }
}
