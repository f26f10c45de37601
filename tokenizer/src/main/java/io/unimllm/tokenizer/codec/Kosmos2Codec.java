package io.unimllm.tokenizer.codec;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.tokenizer.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Kosmos-2: {@code <phrase>p</phrase><object><patch_index_AAAA><patch_index_BBBB></object>} on a 32x32 grid (index
 * = row * 32 + column), several boxes joined by {@code </delimiter_of_multi_objects/>}. A box spans from the top-left
 * corner of cell A to the bottom-right corner of cell B.
 */
public final class Kosmos2Codec implements GroundingCodec {
    private static final int GRID = 32;
    private static final String DELIM = "</delimiter_of_multi_objects/>";

    @Override
    public String name() {
        return "kosmos-2";
    }

    @Override
    public String encode(Grounding g, int w, int h) {
        if (!(g.geometry() instanceof Box b)) {
            throw new IllegalArgumentException("Kosmos-2 writes boxes only");
        }
        int c1 = Bins.encode(b.x1(), w, GRID);
        int r1 = Bins.encode(b.y1(), h, GRID);
        int c2 = Bins.encode(Math.max(b.x1(), b.x2() - 1e-9), w, GRID);
        int r2 = Bins.encode(Math.max(b.y1(), b.y2() - 1e-9), h, GRID);
        return g.label().map(l -> "<phrase>" + l + "</phrase>").orElse("") + "<object>"
                + String.format(Locale.ROOT, "<patch_index_%04d><patch_index_%04d>", r1 * GRID + c1, r2 * GRID + c2)
                + "</object>";
    }

    @Override
    public Scan scan(String s, int w, int h, boolean finished) {
        List<Match> matches = new ArrayList<>();
        List<ParseWarning> warnings = new ArrayList<>();
        int pending = s.length();
        int i = 0;
        while (i < s.length()) {
            int phrase = s.indexOf("<phrase>", i);
            int object = s.indexOf("<object>", i);
            int start = phrase >= 0 && (object < 0 || phrase < object) ? phrase : object;
            if (start < 0) {
                int partial = TagTail.partialTagAt(s, i, "<phrase>", "<object>");
                if (partial >= 0 && !finished) {
                    pending = partial;
                }
                break;
            }
            String label = null;
            int objStart = start;
            if (start == phrase) {
                int pe = s.indexOf("</phrase>", phrase);
                if (pe < 0) {
                    if (!finished) {
                        pending = start;
                    }
                    break;
                }
                label = s.substring(phrase + 8, pe).strip();
                objStart = s.indexOf("<object>", pe);
                if (objStart < 0 || !s.substring(pe + 9, objStart).isBlank()) {
                    if (objStart < 0 && !finished) {
                        pending = start;
                        break;
                    }
                    i = pe + 9;
                    continue;
                }
            }
            int end = s.indexOf("</object>", objStart);
            if (end < 0) {
                if (!finished) {
                    pending = start;
                } else {
                    warnings.add(new ParseWarning("unterminated <object> dropped", objStart));
                }
                break;
            }
            for (String part : s.substring(objStart + 8, end).split(java.util.regex.Pattern.quote(DELIM))) {
                List<Integer> idx = new ArrayList<>();
                int k = 0;
                while ((k = part.indexOf("<patch_index_", k)) >= 0) {
                    int close = part.indexOf('>', k);
                    idx.add(close < 0 ? -1 : Bins.parseInt(part.substring(k + 13, close)));
                    k = close < 0 ? part.length() : close;
                }
                if (idx.size() != 2 || idx.contains(-1) || idx.get(0) >= GRID * GRID || idx.get(1) >= GRID * GRID) {
                    warnings.add(new ParseWarning("Kosmos-2 object '" + part + "' is not two patch indices below "
                            + GRID * GRID + "; dropped", objStart));
                    continue;
                }
                int r1 = idx.get(0) / GRID;
                int c1 = idx.get(0) % GRID;
                int r2 = idx.get(1) / GRID;
                int c2 = idx.get(1) % GRID;
                Box b = new Box(Math.min(c1, c2) * (double) w / GRID, Math.min(r1, r2) * (double) h / GRID,
                        (Math.max(c1, c2) + 1) * (double) w / GRID, (Math.max(r1, r2) + 1) * (double) h / GRID);
                matches.add(new Match(start, end + 9, label == null ? Grounding.of(b) : Grounding.of(b, label)));
            }
            i = end + 9;
        }
        return new Scan(matches, warnings, pending);
    }
}
