package io.unimllm.protocol.codec;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * Florence-2's dialect: location tokens {@code <loc_0>..<loc_999>}, x first, 1000 bins of the original image,
 * decoded to the bin centre {@code (q + 0.5) * size / 1000}. The label precedes the tokens
 * ({@code car<loc_52><loc_333><loc_932><loc_774>}) and every box of a run shares it.
 *
 * <p>In {@link Mode#DETECTION} a bare run of {@code 4k} tokens is {@code k} boxes and a run of 2 is a point;
 * polygons are written {@code <poly>x,y pairs</poly>} or contain {@code <sep>}. In {@link Mode#SEGMENTATION}
 * (Florence-2's segmentation tasks) every run is one or more polygons of loc pairs separated by {@code <sep>}.
 */
public final class Florence2Codec extends AbstractCodec {
    /** Number of bins per image side. */
    public static final int BINS = 1000;

    /** How a bare run of location tokens is read; Florence-2 decides this by the task prompt. */
    public enum Mode {
        /** Boxes of 4 tokens (the {@code <OD>}, grounding and region tasks). */
        DETECTION,
        /** Polygons of loc pairs separated by {@code <sep>} (the segmentation tasks). */
        SEGMENTATION
    }

    private final Mode mode;

    /** A codec for detection-style answers. */
    public Florence2Codec() {
        this(Mode.DETECTION);
    }

    /**
     * A codec reading bare runs as {@code mode} says.
     *
     * @param mode how bare runs of location tokens are read
     */
    public Florence2Codec(Mode mode) {
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
    }

    /**
     * How bare runs are read.
     *
     * @return the mode given at construction
     */
    public Mode mode() {
        return mode;
    }

    @Override
    public String name() {
        return mode == Mode.DETECTION ? "florence2" : "florence2-seg";
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
        return List.of("<loc_", "<poly>");
    }

    private static String loc(double v, int size) {
        return "<loc_" + Quantizer.bin(v, size, BINS) + ">";
    }

    @Override
    public String encode(Grounding grounding, int w, int h) {
        Quantizer.checkSize(w, h);
        String label = grounding.label().orElse("");
        Geometry g = grounding.geometry();
        if (mode == Mode.SEGMENTATION && !(g instanceof Polygon)) {
            throw new IllegalArgumentException("the Florence-2 segmentation dialect writes polygons only, not "
                    + g.getClass().getSimpleName());
        }
        if (g instanceof Box b) {
            return label + loc(b.x1(), w) + loc(b.y1(), h) + loc(b.x2(), w) + loc(b.y2(), h);
        }
        if (g instanceof Point p) {
            return label + loc(p.x(), w) + loc(p.y(), h);
        }
        if (g instanceof Polygon poly) {
            StringBuilder sb = new StringBuilder(label);
            sb.append(mode == Mode.DETECTION ? "<poly>" : "");
            for (Point p : poly.vertices()) {
                sb.append(loc(p.x(), w)).append(loc(p.y(), h));
            }
            return sb.append(mode == Mode.DETECTION ? "</poly>" : "").toString();
        }
        throw new IllegalArgumentException("the Florence-2 dialect cannot write " + g.getClass().getSimpleName());
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        int at = c.pos;
        boolean poly = c.accept("<poly>");
        if (!poly && !c.lookingAt("<loc_")) {
            return ScanResult.NO_MATCH;
        }
        List<ParseWarning> warnings = new ArrayList<>();
        List<List<Long>> parts = new ArrayList<>();
        List<Long> part = new ArrayList<>();
        parts.add(part);
        boolean broken = false;
        boolean closed = false;
        while (true) {
            int t = c.pos;
            if (c.accept("<loc_")) {
                Long v = c.readInt();
                if (v == null || !c.accept(">")) {
                    broken = true;
                    if (c.atEof()) {
                        warnings.add(ParseWarning.at(Kind.TRUNCATED_TOKEN, t, "output ends inside <loc_...>; dropped"));
                    } else {
                        warnings.add(ParseWarning.at(Kind.MALFORMED_GROUNDING, c.pos,
                                "unexpected '" + (char) c.peek() + "' inside <loc_...>; dropped"));
                    }
                    break;
                }
                part.add(clampWarn(v, 0, BINS - 1, t, "<loc_>", warnings));
            } else if (c.accept("<sep>")) {
                part = new ArrayList<>();
                parts.add(part);
            } else if (poly && c.accept("</poly>")) {
                closed = true;
                break;
            } else {
                break;
            }
        }
        if (poly && !closed) {
            // drop what was read; whatever stopped the run is scanned again by the caller
            warnings.add(ParseWarning.at(Kind.UNTERMINATED_GROUNDING, at,
                    "<poly> not closed by </poly> before char " + c.pos + "; dropped"));
            return match(c, List.of(), warnings);
        }
        List<Grounding> out = new ArrayList<>();
        if (poly || parts.size() > 1 || mode == Mode.SEGMENTATION) {
            for (List<Long> p : parts) {
                if (p.size() < 6 || p.size() % 2 != 0) {
                    warnings.add(arity(at, "Florence-2 polygon", p.size(), "an even number >= 6"));
                    continue;
                }
                List<Point> pts = new ArrayList<>();
                for (int i = 0; i < p.size(); i += 2) {
                    pts.add(new Point(Quantizer.binCentre(p.get(i), w, BINS), Quantizer.binCentre(p.get(i + 1), h,
                            BINS)));
                }
                out.add(Grounding.of(new Polygon(pts)));
            }
        } else if (part.size() == 2 && !broken) {
            out.add(Grounding.of(new Point(Quantizer.binCentre(part.get(0), w, BINS),
                    Quantizer.binCentre(part.get(1), h, BINS))));
        } else {
            int n = part.size();
            for (int i = 0; i + 4 <= n; i += 4) {
                long[] q = orderCorners(new long[] {part.get(i), part.get(i + 1), part.get(i + 2), part.get(i + 3)},
                        at, "Florence-2 box", warnings);
                out.add(Grounding.of(new Box(Quantizer.binCentre(q[0], w, BINS), Quantizer.binCentre(q[1], h, BINS),
                        Quantizer.binCentre(q[2], w, BINS), Quantizer.binCentre(q[3], h, BINS))));
            }
            if (n % 4 != 0) {
                warnings.add(ParseWarning.at(Kind.WRONG_ARITY, at, "run of " + n
                        + " Florence-2 location tokens is not a multiple of 4; kept " + n / 4
                        + " boxes, dropped the last " + n % 4 + " tokens"));
            }
        }
        return new ScanResult.Match(c.pos, out, warnings, true);
    }
}
