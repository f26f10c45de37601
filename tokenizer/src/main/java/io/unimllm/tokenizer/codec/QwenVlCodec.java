package io.unimllm.tokenizer.codec;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.tokenizer.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen-VL: {@code <ref>phrase</ref><box>(x1,y1),(x2,y2)</box>}, integers 0..1000 relative to the image (decoded as
 * {@code v / 1000 * size}); the {@code <ref>} part is optional and becomes the label.
 */
public final class QwenVlCodec implements GroundingCodec {
    @Override
    public String name() {
        return "qwen-vl";
    }

    private static int q(double v, int size) {
        return (int) Math.max(0, Math.min(1000, Math.round(v / size * 1000)));
    }

    @Override
    public String encode(Grounding g, int w, int h) {
        if (!(g.geometry() instanceof Box b)) {
            throw new IllegalArgumentException("Qwen-VL writes boxes only");
        }
        return g.label().map(l -> "<ref>" + l + "</ref>").orElse("") + "<box>(" + q(b.x1(), w) + "," + q(b.y1(), h)
                + "),(" + q(b.x2(), w) + "," + q(b.y2(), h) + ")</box>";
    }

    @Override
    public Scan scan(String s, int w, int h, boolean finished) {
        List<Match> matches = new ArrayList<>();
        List<ParseWarning> warnings = new ArrayList<>();
        int pending = s.length();
        int i = 0;
        while (i < s.length()) {
            int ref = s.indexOf("<ref>", i);
            int box = s.indexOf("<box>", i);
            int start = ref >= 0 && (box < 0 || ref < box) ? ref : box;
            if (start < 0) {
                int partial = TagTail.partialTagAt(s, i, "<ref>", "<box>");
                if (partial >= 0 && !finished) {
                    pending = partial;
                }
                break;
            }
            String label = null;
            int boxStart = start;
            if (start == ref) {
                int refEnd = s.indexOf("</ref>", ref);
                if (refEnd < 0) {
                    if (!finished) {
                        pending = start;
                    } else {
                        warnings.add(new ParseWarning("unterminated <ref> dropped", start));
                    }
                    break;
                }
                label = s.substring(ref + 5, refEnd).strip();
                boxStart = s.indexOf("<box>", refEnd);
                if (boxStart < 0 || !s.substring(refEnd + 6, boxStart).isBlank()) {
                    if (boxStart < 0 && !finished) {
                        pending = start;
                        break;
                    }
                    i = refEnd + 6; // a reference without a box: plain text
                    continue;
                }
            }
            int end = s.indexOf("</box>", boxStart);
            if (end < 0) {
                if (!finished) {
                    pending = start;
                } else {
                    warnings.add(new ParseWarning("unterminated <box> dropped", boxStart));
                }
                break;
            }
            String body = s.substring(boxStart + 5, end).replaceAll("[\\s()]", "");
            String[] p = body.split(",", -1);
            int[] v = new int[4];
            boolean ok = p.length == 4;
            for (int k = 0; ok && k < 4; k++) {
                v[k] = Bins.parseInt(p[k]);
                ok = v[k] >= 0 && v[k] <= 1000;
            }
            if (!ok) {
                warnings.add(new ParseWarning("Qwen-VL box '" + s.substring(boxStart + 5, end)
                        + "' is not (x1,y1),(x2,y2) with integers 0..1000; dropped", boxStart));
            } else {
                if (v[2] < v[0] || v[3] < v[1]) {
                    warnings.add(new ParseWarning("Qwen-VL box has swapped corners; swapped back", boxStart));
                }
                Box b = new Box(Math.min(v[0], v[2]) / 1000.0 * w, Math.min(v[1], v[3]) / 1000.0 * h,
                        Math.max(v[0], v[2]) / 1000.0 * w, Math.max(v[1], v[3]) / 1000.0 * h);
                matches.add(new Match(start, end + 6, label == null ? Grounding.of(b) : Grounding.of(b, label)));
            }
            i = end + 6;
        }
        return new Scan(matches, warnings, pending);
    }
}
