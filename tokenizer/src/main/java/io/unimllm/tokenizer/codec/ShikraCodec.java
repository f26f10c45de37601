package io.unimllm.tokenizer.codec;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.tokenizer.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shikra / GroundingGPT: plain-text normalised coordinates with three decimals, {@code [x1,y1,x2,y2]} for a box,
 * {@code [x,y]} for a point, several boxes joined by {@code ;} inside one bracket pair. Brackets holding anything
 * else are ordinary text.
 */
public final class ShikraCodec implements GroundingCodec {
    @Override
    public String name() {
        return "shikra";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.3f", Math.max(0, Math.min(1, v)));
    }

    @Override
    public String encode(Grounding g, int w, int h) {
        if (g.geometry() instanceof Box b) {
            return "[" + f(b.x1() / w) + "," + f(b.y1() / h) + "," + f(b.x2() / w) + "," + f(b.y2() / h) + "]";
        }
        if (g.geometry() instanceof Point p) {
            return "[" + f(p.x() / w) + "," + f(p.y() / h) + "]";
        }
        throw new IllegalArgumentException("Shikra writes boxes and points only");
    }

    @Override
    public Scan scan(String s, int w, int h, boolean finished) {
        List<Match> matches = new ArrayList<>();
        List<ParseWarning> warnings = new ArrayList<>();
        int pending = s.length();
        int i = 0;
        while (i < s.length()) {
            int start = s.indexOf('[', i);
            if (start < 0) {
                break;
            }
            int end = s.indexOf(']', start);
            if (end < 0) {
                if (!finished && s.substring(start + 1).matches("[0-9.,;\\s]*")) {
                    pending = start;
                }
                break;
            }
            String body = s.substring(start + 1, end).replaceAll("\\s+", "");
            if (!body.matches("[0-9.,;]+")) {
                i = start + 1; // ordinary bracketed text
                continue;
            }
            for (String part : body.split(";")) {
                String[] p = part.split(",", -1);
                double[] v = new double[p.length];
                boolean ok = p.length == 4 || p.length == 2;
                for (int k = 0; ok && k < p.length; k++) {
                    try {
                        v[k] = Double.parseDouble(p[k]);
                        ok = v[k] >= 0 && v[k] <= 1;
                    } catch (NumberFormatException e) {
                        ok = false;
                    }
                }
                if (!ok) {
                    warnings.add(new ParseWarning("Shikra coordinates '" + part + "' are not 2 or 4 numbers in "
                            + "[0,1]; dropped", start));
                    continue;
                }
                Grounding g = p.length == 2 ? Grounding.of(new Point(v[0] * w, v[1] * h))
                        : Grounding.of(new Box(Math.min(v[0], v[2]) * w, Math.min(v[1], v[3]) * h,
                                Math.max(v[0], v[2]) * w, Math.max(v[1], v[3]) * h));
                matches.add(new Match(start, end + 1, g));
            }
            i = end + 1;
        }
        return new Scan(matches, warnings, pending);
    }
}
