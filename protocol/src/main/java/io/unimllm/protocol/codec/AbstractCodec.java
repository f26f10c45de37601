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

/** Shared scanning machinery: the {@link Cursor} protocol, truncated openers, and coordinate repairs. */
abstract class AbstractCodec implements GroundingCodec {

    /** The literals a grounding of this dialect starts with, for recognising one cut off at the end. */
    protected abstract List<String> openers();

    /** Scans at {@code c.pos}; may throw {@link Cursor.NeedMore}. */
    protected abstract ScanResult scanAt(Cursor c, int imageWidth, int imageHeight);

    @Override
    public final ScanResult scan(CharSequence text, int from, boolean endOfInput, int imageWidth, int imageHeight) {
        Quantizer.checkSize(imageWidth, imageHeight);
        if (from < 0 || from >= text.length()) {
            throw new IllegalArgumentException("scan position " + from + " outside text of length " + text.length());
        }
        Cursor c = new Cursor(text, from, endOfInput);
        try {
            ScanResult r = scanAt(c, imageWidth, imageHeight);
            if (r instanceof ScanResult.NoMatch) {
                Cursor atStart = new Cursor(text, from, endOfInput);
                for (String opener : openers()) {
                    // from where the scan stopped (a phrase read, its region cut off) or from where it began
                    if (c.truncatedPrefixOf(opener) || atStart.truncatedPrefixOf(opener)) {
                        return new ScanResult.Match(text.length(), List.of(), List.of(ParseWarning.at(
                                Kind.TRUNCATED_TOKEN, from, "output ends inside " + opener + "; dropped")), false);
                    }
                }
            }
            return r;
        } catch (Cursor.NeedMore e) {
            return ScanResult.NEED_MORE;
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name() + "]";
    }

    /** A successful or dropped match ending at the cursor. */
    static ScanResult.Match match(Cursor c, List<Grounding> groundings, List<ParseWarning> warnings) {
        return new ScanResult.Match(c.pos, groundings, warnings, false);
    }

    /** Clamps {@code v} into {@code lo..hi}, warning when it was outside. */
    static long clampWarn(long v, long lo, long hi, int charIndex, String what, List<ParseWarning> warnings) {
        if (v < lo || v > hi) {
            long r = Math.max(lo, Math.min(hi, v));
            warnings.add(ParseWarning.at(Kind.OUT_OF_RANGE, charIndex,
                    what + " coordinate " + v + " outside " + lo + ".." + hi + "; clamped to " + r));
            return r;
        }
        return v;
    }

    /**
     * Orders a box's codes {@code (a1, b1, a2, b2)} so that {@code a1 <= a2} and {@code b1 <= b2}, warning when it
     * had to swap.
     */
    static long[] orderCorners(long[] q, int charIndex, String what, List<ParseWarning> warnings) {
        long[] r = q.clone();
        boolean swapped = false;
        for (int i = 0; i < 2; i++) {
            if (r[i + 2] < r[i]) {
                long t = r[i];
                r[i] = r[i + 2];
                r[i + 2] = t;
                swapped = true;
            }
        }
        if (swapped) {
            warnings.add(ParseWarning.at(Kind.SWAPPED_CORNERS, charIndex, what + " corners out of order ("
                    + q[0] + "," + q[1] + "," + q[2] + "," + q[3] + "); swapped"));
        }
        return r;
    }


    /** Numbers read inside a delimited grounding, or why they could not be. */
    record Numbers(List<Long> values, List<Integer> positions, ParseWarning problem) {
        boolean ok() {
            return problem == null;
        }
    }

    /**
     * Reads integers separated by any of {@code separators} up to and including {@code close}. Whitespace is
     * ignored everywhere, also between the digits of one number: word-level tokenizers decode {@code 120} as
     * {@code "1 2 0"}. On an unexpected character stops before it; on the end of input consumes everything.
     */
    static Numbers readInts(Cursor c, int openAt, String open, String close, String separators) {
        List<Long> values = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        long cur = 0;
        int curAt = -1;
        boolean negative = false;
        while (true) {
            int ch = c.peek();
            if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
                c.pos++;
                continue;
            }
            boolean separator = ch != Cursor.EOF && separators.indexOf(ch) >= 0;
            boolean closing = !separator && c.lookingAt(close);
            if ((separator || closing) && curAt >= 0) {
                values.add(negative ? -cur : cur);
                positions.add(curAt);
                cur = 0;
                curAt = -1;
                negative = false;
            }
            if (separator) {
                c.pos++;
                continue;
            }
            if (closing) {
                c.accept(close);
                return new Numbers(values, positions, null);
            }
            if (ch >= '0' && ch <= '9') {
                if (curAt < 0) {
                    curAt = c.pos;
                }
                cur = Math.min(cur * 10 + (ch - '0'), 1_000_000_000L);
                c.pos++;
                continue;
            }
            if (ch == '-' && curAt < 0 && !negative) {
                negative = true;
                curAt = c.pos;
                c.pos++;
                continue;
            }
            int at = c.pos;
            if (ch == Cursor.EOF || c.truncatedPrefixOf(close)) {
                c.toEnd();
                return new Numbers(values, positions, ParseWarning.at(Kind.UNTERMINATED_GROUNDING, openAt,
                        "output ends inside " + open + " before " + close + "; dropped"));
            }
            if (ch == '<') {
                return new Numbers(values, positions, ParseWarning.at(Kind.UNTERMINATED_GROUNDING, openAt,
                        open + " not closed by " + close + " before the next tag at char " + at + "; dropped"));
            }
            return new Numbers(values, positions, ParseWarning.at(Kind.MALFORMED_GROUNDING, at,
                    "unexpected '" + (char) ch + "' inside " + open + "; dropped"));
        }
    }

    /**
     * A phrase tag read before a grounding: {@code label} when one was read (null when the opener was not there),
     * or {@code early}, the result to return at once (the phrase is cut off, or is plain text).
     */
    record Phrase(String label, ScanResult early) {}

    /**
     * Reads {@code open label close} when {@code open} comes next. A phrase cut off by the end of input is a dropped
     * {@link Kind#UNTERMINATED_GROUNDING}; a phrase interrupted by another tag is plain text.
     */
    static Phrase readPhrase(Cursor c, int at, String open, String close) {
        if (open == null || !c.accept(open)) {
            return new Phrase(null, null);
        }
        String label = c.readUntilAny("<").strip();
        if (c.accept(close)) {
            return new Phrase(label, null);
        }
        if (c.atEof() || c.truncatedPrefixOf(close)) {
            c.toEnd();
            return new Phrase(null, match(c, List.of(), List.of(ParseWarning.at(Kind.UNTERMINATED_GROUNDING, at,
                    "output ends inside " + open + " before " + close + "; dropped"))));
        }
        return new Phrase(null, ScanResult.NO_MATCH);
    }

    /** A grounding labelled with {@code label} unless that is null or blank. */
    static Grounding labelled(Geometry g, String label) {
        return label == null || label.isBlank() ? Grounding.of(g) : Grounding.of(g, label);
    }

    /** Clamps a code into {@code 0..max}, warning when it was outside. */
    static double clampCode(NumberLists.Num n, double max, String what, List<ParseWarning> warnings) {
        double v = n.value();
        if (v < 0 || v > max) {
            double r = Math.max(0, Math.min(max, v));
            warnings.add(ParseWarning.at(Kind.OUT_OF_RANGE, n.at(), what + " coordinate " + plain(v) + " outside 0.."
                    + plain(max) + "; clamped to " + plain(r)));
            return r;
        }
        return v;
    }

    /** A number without a needless ".0". */
    static String plain(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /**
     * Decodes one group of codes in a frame: 4 numbers are a box {@code (x1, y1, x2, y2)}, 2 a point
     * {@code (x, y)} (y first in both when {@code yFirst}), and, when {@code quads}, 8 a four-cornered polygon. Other
     * counts are a {@link Kind#WRONG_ARITY} warning and null.
     */
    static Geometry decodeGroup(List<NumberLists.Num> g, CoordinateFrame.Scale s, boolean yFirst, boolean quads,
            String what, List<ParseWarning> warnings) {
        int n = g.size();
        int at = g.isEmpty() ? -1 : g.get(0).at();
        if (n == 4 || n == 2 || (quads && n == 8)) {
            double[] xy = new double[n];
            for (int i = 0; i < n; i += 2) {
                int xi = yFirst ? i + 1 : i;
                int yi = yFirst ? i : i + 1;
                xy[i] = clampCode(g.get(xi), s.maxX(), what, warnings);
                xy[i + 1] = clampCode(g.get(yi), s.maxY(), what, warnings);
            }
            if (n == 2) {
                return new Point(s.pixelX(xy[0]), s.pixelY(xy[1]));
            }
            if (n == 8) {
                List<Point> pts = new ArrayList<>();
                for (int i = 0; i < 8; i += 2) {
                    pts.add(new Point(s.pixelX(xy[i]), s.pixelY(xy[i + 1])));
                }
                return new Polygon(pts);
            }
            if (xy[2] < xy[0] || xy[3] < xy[1]) {
                warnings.add(ParseWarning.at(Kind.SWAPPED_CORNERS, at, what + " corners out of order (" + plain(xy[0])
                        + "," + plain(xy[1]) + "," + plain(xy[2]) + "," + plain(xy[3]) + "); swapped"));
            }
            return new Box(s.pixelX(Math.min(xy[0], xy[2])), s.pixelY(Math.min(xy[1], xy[3])),
                    s.pixelX(Math.max(xy[0], xy[2])), s.pixelY(Math.max(xy[1], xy[3])));
        }
        warnings.add(arity(at, what, n, quads ? "4 (box), 2 (point) or 8 (quad)" : "4 (box) or 2 (point)"));
        return null;
    }

    /** The codes of a box (x1, y1, x2, y2) or a point (x, y) in a frame, formatted; null for other geometry. */
    static String[] codes(Geometry g, CoordinateFrame.Scale s) {
        if (g instanceof Box b) {
            return new String[] {s.format(s.codeX(b.x1())), s.format(s.codeY(b.y1())), s.format(s.codeX(b.x2())),
                s.format(s.codeY(b.y2()))};
        }
        if (g instanceof Point p) {
            return new String[] {s.format(s.codeX(p.x())), s.format(s.codeY(p.y()))};
        }
        return null;
    }

    static IllegalArgumentException cannotWrite(String dialect, Geometry g) {
        return new IllegalArgumentException("the " + dialect + " dialect cannot write " + g.getClass().getSimpleName());
    }

    static ParseWarning arity(int at, String what, int got, String expected) {
        return ParseWarning.at(Kind.WRONG_ARITY, at, what + " has " + got + " coordinates, expected " + expected
                + "; dropped");
    }
}
