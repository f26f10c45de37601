package io.unimllm.tokenizer.codec;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.tokenizer.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * unimllm's default grounding form: {@code <box>x1,y1,x2,y2</box>} and {@code <point>x,y</point>}, integers 0..999
 * in 1000 bins of the original image, x first. Encoding takes {@code floor(v / size * 1000)}; decoding returns bin
 * centres. Whitespace between tokens is ignored (word-level tokenizers decode with spaces). Repairs: values above 999
 * are clamped, swapped corners are swapped back (each with a warning); a box with other than four numbers, or a
 * degenerate one, is dropped with a warning.
 */
public final class UnimllmCodec implements GroundingCodec {
    static final int BINS = 1000;

    @Override
    public String name() {
        return "unimllm";
    }

    @Override
    public String encode(Grounding g, int width, int height) {
        if (g.geometry() instanceof Box b) {
            return "<box>" + Bins.encode(b.x1(), width, BINS) + "," + Bins.encode(b.y1(), height, BINS) + ","
                    + Bins.encode(b.x2(), width, BINS) + "," + Bins.encode(b.y2(), height, BINS) + "</box>";
        }
        if (g.geometry() instanceof Point p) {
            return "<point>" + Bins.encode(p.x(), width, BINS) + "," + Bins.encode(p.y(), height, BINS) + "</point>";
        }
        throw new IllegalArgumentException("unimllm's text protocol writes boxes and points, not "
                + g.geometry().getClass().getSimpleName());
    }

    @Override
    public Scan scan(String text, int width, int height, boolean finished) {
        List<Match> matches = new ArrayList<>();
        List<ParseWarning> warnings = new ArrayList<>();
        int pending = text.length();
        int i = 0;
        while (i < text.length()) {
            int box = text.indexOf("<box>", i);
            int point = text.indexOf("<point>", i);
            int start = box < 0 ? point : point < 0 ? box : Math.min(box, point);
            if (start < 0) {
                int partial = TagTail.partialTagAt(text, i, "<box>", "<point>");
                if (partial >= 0 && !finished) {
                    pending = partial;
                }
                break;
            }
            boolean isBox = start == box;
            String open = isBox ? "<box>" : "<point>";
            String close = isBox ? "</box>" : "</point>";
            int end = text.indexOf(close, start + open.length());
            int nextOpen = nextOpen(text, start + open.length());
            if (end < 0 || (nextOpen >= 0 && nextOpen < end)) {
                if (end < 0 && !finished) {
                    pending = start;
                    break;
                }
                warnings.add(new ParseWarning("unterminated " + open + " dropped", start));
                i = nextOpen >= 0 ? nextOpen : text.length();
                continue;
            }
            String body = text.substring(start + open.length(), end).replaceAll("\\s+", "");
            Grounding g = isBox ? box(body, width, height, start, warnings) : point(body, width, height, start, warnings);
            if (g != null) {
                matches.add(new Match(start, end + close.length(), g));
            }
            i = end + close.length();
        }
        return new Scan(matches, warnings, pending);
    }

    private static int nextOpen(String text, int from) {
        int a = text.indexOf("<box>", from);
        int b = text.indexOf("<point>", from);
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    private static int[] ints(String body, int expected, String what, int at, List<ParseWarning> warnings) {
        String[] parts = body.split(",", -1);
        if (parts.length != expected) {
            warnings.add(new ParseWarning(what + " '" + body + "' has " + parts.length + " numbers, expected "
                    + expected + "; dropped", at));
            return null;
        }
        int[] v = new int[expected];
        for (int k = 0; k < expected; k++) {
            v[k] = Bins.parseInt(parts[k]);
            if (v[k] < 0) {
                warnings.add(new ParseWarning(what + " '" + body + "' has a non-integer coordinate '" + parts[k]
                        + "'; dropped", at));
                return null;
            }
            if (v[k] >= BINS) {
                warnings.add(new ParseWarning(what + " coordinate " + v[k] + " is above " + (BINS - 1)
                        + "; clamped", at));
                v[k] = BINS - 1;
            }
        }
        return v;
    }

    private static Grounding box(String body, int w, int h, int at, List<ParseWarning> warnings) {
        int[] v = ints(body, 4, "box", at, warnings);
        if (v == null) {
            return null;
        }
        if (v[2] < v[0] || v[3] < v[1]) {
            warnings.add(new ParseWarning("box '" + body + "' has swapped corners; swapped back", at));
            int x1 = Math.min(v[0], v[2]);
            int x2 = Math.max(v[0], v[2]);
            int y1 = Math.min(v[1], v[3]);
            int y2 = Math.max(v[1], v[3]);
            v = new int[] {x1, y1, x2, y2};
        }
        // x1 at its bin's start, x2 at its bin's end: the box covers every bin it names
        return Grounding.of(new Box(v[0] * (double) w / BINS, v[1] * (double) h / BINS,
                Math.min(w, (v[2] + 1) * (double) w / BINS), Math.min(h, (v[3] + 1) * (double) h / BINS)));
    }

    private static Grounding point(String body, int w, int h, int at, List<ParseWarning> warnings) {
        int[] v = ints(body, 2, "point", at, warnings);
        return v == null ? null : Grounding.of(new Point(Bins.centre(v[0], w, BINS), Bins.centre(v[1], h, BINS)));
    }
}
