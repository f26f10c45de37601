package io.unimllm.protocol.codec;

import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * Ferret's dialect: plain text, a phrase followed by {@code [x1, y1, x2, y2]} (a point {@code [x, y]}), integers on a
 * 1000 grid of the original image, x first, decoded {@code q * size / 1000} ({@code VOCAB_IMAGE_W = 1000} and
 * {@code resize_bbox} in apple/ml-ferret {@code ferret/eval/eval_refexp.py} and the demo's
 * {@code gradio_web_server.py}); written {@code 0..999}. Because the form is plain text, only a single bracket holding
 * exactly two or four integers is a grounding; {@code [1, 2, 3]}, {@code [0.5, 0.5]} or {@code [see above]} stay
 * text. Labels are not written.
 */
public final class FerretCodec extends AbstractCodec {
    /** The code divisor ({@code VOCAB_IMAGE_W}). */
    public static final int SCALE = 1000;
    /** The largest code. */
    public static final int MAX = 999;
    private static final CoordinateFrame FRAME = new CoordinateFrame.Normalized(SCALE, MAX, 0);

    /**
     * The frame the dialect's numbers are in.
     *
     * @return {@code 0..999}, divided by 1000
     */
    public CoordinateFrame frame() {
        return FRAME;
    }

    @Override
    public String name() {
        return "ferret";
    }

    @Override
    public String separator() {
        return " ";
    }

    @Override
    public String startChars() {
        return "[";
    }

    @Override
    protected List<String> openers() {
        return List.of();
    }

    @Override
    public String encode(Grounding grounding, int w, int h) {
        String[] q = codes(grounding.geometry(), FRAME.scale(w, h));
        if (q == null) {
            throw cannotWrite("Ferret", grounding.geometry());
        }
        return "[" + String.join(", ", q) + "]";
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        int at = c.pos;
        if (c.peek() != '[' || c.peek(1) == '[') {
            return ScanResult.NO_MATCH;
        }
        NumberLists.Read r = NumberLists.read(c, at, "Ferret [...]", null, true);
        if (!r.ok()) {
            return r.unexpected() ? ScanResult.NO_MATCH : match(c, List.of(), List.of(r.problem()));
        }
        int n = r.flat().size();
        if (r.groups().size() != 1 || r.groups().get(0).size() != n || (n != 2 && n != 4)
                || r.flat().stream().anyMatch(NumberLists.Num::decimal)) {
            return ScanResult.NO_MATCH;
        }
        List<ParseWarning> warnings = new ArrayList<>();
        Geometry g = decodeGroup(r.flat(), FRAME.scale(w, h), false, false, "Ferret [...]", warnings);
        return match(c, g == null ? List.of() : List.of(Grounding.of(g)), warnings);
    }
}
