package io.unimllm.tokenizer.codec;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.geometry.SegmentationCodes;
import io.unimllm.tokenizer.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Dialects that spell coordinates as one location token per number: Florence-2 ({@code <loc_N>}, 1000 bins, x
 * first, boxes of 4 tokens, polygons as runs of pairs separated by {@code <sep>}, a label written before the tokens)
 * and PaliGemma ({@code <locNNNN>}, 1024 bins, y first {@code y1,x1,y2,x2}, optionally followed by 16
 * {@code <segNNN>} mask codes, a label after the tokens, detections joined by {@code " ; "}).
 *
 * <p>Decoding: Florence-2 returns bin centres {@code (q + 0.5) * size / 1000}; PaliGemma uses {@code q / 1024 * size}
 * for all four values (its demo's convention; its evaluator divides by 1023, a difference of under 0.1%).
 */
public final class LocTokenCodec implements GroundingCodec {
    private final boolean paligemma;

    private LocTokenCodec(boolean paligemma) {
        this.paligemma = paligemma;
    }

    /** Florence-2's {@code <loc_N>}. */
    public static LocTokenCodec florence2() {
        return new LocTokenCodec(false);
    }

    /** PaliGemma's {@code <locNNNN>} with {@code <segNNN>}. */
    public static LocTokenCodec paligemma() {
        return new LocTokenCodec(true);
    }

    @Override
    public String name() {
        return paligemma ? "paligemma" : "florence2";
    }

    private int bins() {
        return paligemma ? 1024 : 1000;
    }

    private String loc(int q) {
        return paligemma ? String.format(Locale.ROOT, "<loc%04d>", q) : "<loc_" + q + ">";
    }

    @Override
    public String encode(Grounding g, int w, int h) {
        int n = bins();
        String label = g.label().orElse("");
        if (g.geometry() instanceof Box b) {
            if (paligemma) {
                return loc(Bins.encode(b.y1(), h, n)) + loc(Bins.encode(b.x1(), w, n)) + loc(Bins.encode(b.y2(), h, n))
                        + loc(Bins.encode(b.x2(), w, n)) + (label.isEmpty() ? "" : " " + label);
            }
            return label + loc(Bins.encode(b.x1(), w, n)) + loc(Bins.encode(b.y1(), h, n))
                    + loc(Bins.encode(b.x2(), w, n)) + loc(Bins.encode(b.y2(), h, n));
        }
        if (g.geometry() instanceof SegmentationCodes sc && paligemma) {
            StringBuilder sb = new StringBuilder(encode(Grounding.of(sc.box()), w, h));
            for (int c : sc.codes()) {
                sb.append(String.format(Locale.ROOT, "<seg%03d>", c));
            }
            return sb.append(label.isEmpty() ? "" : " " + label).toString();
        }
        if (g.geometry() instanceof Point p && !paligemma) {
            return label + loc(Bins.encode(p.x(), w, n)) + loc(Bins.encode(p.y(), h, n));
        }
        if (g.geometry() instanceof Polygon p && !paligemma) {
            StringBuilder sb = new StringBuilder(label);
            for (Point v : p.vertices()) {
                sb.append(loc(Bins.encode(v.x(), w, n))).append(loc(Bins.encode(v.y(), h, n)));
            }
            return sb.toString();
        }
        throw new IllegalArgumentException(name() + " cannot write " + g.geometry().getClass().getSimpleName());
    }

    /** A location token at {@code i}: its value and end, or null. */
    private int[] locAt(String s, int i) {
        String prefix = paligemma ? "<loc" : "<loc_";
        if (!s.startsWith(prefix, i)) {
            return null;
        }
        int close = s.indexOf('>', i);
        if (close < 0) {
            return null;
        }
        int v = Bins.parseInt(s.substring(i + prefix.length(), close));
        return v < 0 ? null : new int[] {v, close + 1};
    }

    @Override
    public Scan scan(String s, int w, int h, boolean finished) {
        List<Match> matches = new ArrayList<>();
        List<ParseWarning> warnings = new ArrayList<>();
        int pending = s.length();
        int labelStart = 0;
        int i = 0;
        while (i < s.length()) {
            int start = s.indexOf("<loc", i);
            if (start < 0) {
                int partial = TagTail.partialTagAt(s, i, paligemma ? "<loc0000>" : "<loc_0>", "<seg000>");
                if (partial >= 0 && !finished) {
                    pending = partial;
                }
                break;
            }
            List<Integer> values = new ArrayList<>();
            List<Integer> seps = new ArrayList<>();
            int j = start;
            while (true) {
                int k = j;
                while (k < s.length() && s.charAt(k) == ' ') {
                    k++;
                }
                int[] l = locAt(s, k);
                if (l != null) {
                    values.add(l[0]);
                    j = l[1];
                } else if (!paligemma && s.startsWith("<sep>", k)) {
                    seps.add(values.size());
                    j = k + 5;
                } else {
                    break;
                }
            }
            if (values.isEmpty()) { // "<loc" that is not a location token
                if (!finished && s.indexOf('>', start) < 0) {
                    pending = start;
                    break;
                }
                i = start + 4;
                continue;
            }
            if (!finished && j >= s.length()) {
                pending = start; // the run may go on
                break;
            }
            int end = j;
            String label = "";
            if (paligemma) {
                List<Integer> codes = new ArrayList<>();
                int k = j;
                while (s.startsWith("<seg", k) && s.indexOf('>', k) > 0) {
                    int c = Bins.parseInt(s.substring(k + 4, s.indexOf('>', k)));
                    if (c < 0) {
                        break;
                    }
                    codes.add(c);
                    k = s.indexOf('>', k) + 1;
                }
                int semi = s.indexOf(';', k);
                int next = s.indexOf("<loc", k);
                int labelEnd = semi >= 0 && (next < 0 || semi < next) ? semi : (next >= 0 ? next : s.length());
                label = s.substring(k, labelEnd).strip();
                end = labelEnd < s.length() && s.charAt(labelEnd) == ';' ? labelEnd + 1 : labelEnd;
                Grounding g = paligemmaBox(values, codes, label, w, h, start, warnings);
                if (g != null) {
                    matches.add(new Match(start, end, g));
                }
            } else {
                label = s.substring(labelStart, start).strip();
                Grounding g = florence(values, seps, label, w, h, start, warnings);
                if (g != null) {
                    matches.add(new Match(start, end, g));
                }
            }
            labelStart = end;
            i = end;
        }
        return new Scan(matches, warnings, pending);
    }

    private Grounding paligemmaBox(List<Integer> v, List<Integer> codes, String label, int w, int h, int at,
            List<ParseWarning> warnings) {
        if (v.size() != 4) {
            warnings.add(new ParseWarning("PaliGemma box has " + v.size() + " location tokens, expected 4; dropped",
                    at));
            return null;
        }
        int n = bins();
        int y1 = Math.min(v.get(0), v.get(2));
        int y2 = Math.max(v.get(0), v.get(2));
        int x1 = Math.min(v.get(1), v.get(3));
        int x2 = Math.max(v.get(1), v.get(3));
        if (y1 != v.get(0) || x1 != v.get(1)) {
            warnings.add(new ParseWarning("PaliGemma box has swapped corners; swapped back", at));
        }
        Box box = new Box(x1 / (double) n * w, y1 / (double) n * h, x2 / (double) n * w, y2 / (double) n * h);
        if (codes.isEmpty()) {
            return label.isEmpty() ? Grounding.of(box) : Grounding.of(box, label);
        }
        if (codes.size() != 16) {
            warnings.add(new ParseWarning("PaliGemma mask has " + codes.size() + " <seg> codes, expected 16; "
                    + "kept the box only", at));
            return label.isEmpty() ? Grounding.of(box) : Grounding.of(box, label);
        }
        SegmentationCodes sc = new SegmentationCodes(box, codes.stream().mapToInt(Integer::intValue).toArray(),
                "paligemma-vqvae");
        return label.isEmpty() ? Grounding.of(sc) : Grounding.of(sc, label);
    }

    private Grounding florence(List<Integer> v, List<Integer> seps, String label, int w, int h, int at,
            List<ParseWarning> warnings) {
        int n = bins();
        if (v.size() == 4 && seps.isEmpty()) {
            double x1 = Bins.centre(Math.min(v.get(0), v.get(2)), w, n);
            double x2 = Bins.centre(Math.max(v.get(0), v.get(2)), w, n);
            double y1 = Bins.centre(Math.min(v.get(1), v.get(3)), h, n);
            double y2 = Bins.centre(Math.max(v.get(1), v.get(3)), h, n);
            if (v.get(2) < v.get(0) || v.get(3) < v.get(1)) {
                warnings.add(new ParseWarning("Florence-2 box has swapped corners; swapped back", at));
            }
            Box b = new Box(x1, y1, x2, y2);
            return label.isEmpty() ? Grounding.of(b) : Grounding.of(b, label);
        }
        if (v.size() == 2) {
            Point p = new Point(Bins.centre(v.get(0), w, n), Bins.centre(v.get(1), h, n));
            return label.isEmpty() ? Grounding.of(p) : Grounding.of(p, label);
        }
        // polygon: the first ring (Florence-2 separates rings with <sep>; unimllm keeps the outer one)
        int end = seps.isEmpty() ? v.size() : seps.get(0);
        if (end % 2 != 0 || end < 6) {
            warnings.add(new ParseWarning("Florence-2 region has " + v.size() + " location tokens: neither a box, "
                    + "a point nor a polygon of pairs; dropped", at));
            return null;
        }
        List<Point> pts = new ArrayList<>();
        for (int k = 0; k < end; k += 2) {
            pts.add(new Point(Bins.centre(v.get(k), w, n), Bins.centre(v.get(k + 1), h, n)));
        }
        if (!seps.isEmpty()) {
            warnings.add(new ParseWarning("Florence-2 polygon has " + (seps.size() + 1) + " rings; kept the first",
                    at));
        }
        Polygon poly = new Polygon(pts);
        return label.isEmpty() ? Grounding.of(poly) : Grounding.of(poly, label);
    }
}
