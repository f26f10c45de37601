package io.unimllm.protocol.codec;

import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * InternVL 1.5 / 2 / 2.5 / 3's dialect: {@code <ref>the dog</ref><box>[[120, 300, 560, 880]]</box>}, several boxes
 * for one phrase as {@code [[...], [...]]}, integers {@code 0..1000} relative to the original image, x first (decoded
 * {@code q / 1000 * size}, as InternVL's RefCOCO evaluator). {@code <quad>} bodies of eight numbers are
 * quadrilaterals. {@code <ref>}, {@code <box>} are special tokens; decoded without them (vLLM's default) the answer
 * reads {@code car[[75, 658, 250, 871], [286, 558, 444, 711]]}, and this codec reads that bare double bracket too
 * (without a label).
 */
public final class InternVlCodec extends TagBoxCodec {
    /** Codes per image side; 0 and 1000 lie on the edges. */
    public static final int SCALE = 1000;

    /** The codec. */
    public InternVlCodec() {
        super("InternVL", "<ref>", "</ref>", List.of(new Tag("<box>", "</box>", false),
                new Tag("<quad>", "</quad>", true)), CoordinateFrame.Normalized.of(SCALE), false, false);
    }

    @Override
    public String name() {
        return "internvl";
    }

    @Override
    public String startChars() {
        return "<[";
    }

    @Override
    protected String body(Geometry g, CoordinateFrame.Scale s) {
        String[] q = codes(g, s);
        if (q == null) {
            throw cannotWrite("InternVL", g);
        }
        return "[[" + String.join(", ", q) + "]]";
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        if (c.peek() != '[') {
            return super.scanAt(c, w, h);
        }
        return bareDoubleBracket(c, "InternVL", frame().scale(w, h), true);
    }

    /**
     * Reads {@code [[x1, y1, x2, y2], ...]} or {@code [[a;b]]} as plain text dialects write it: anything that is not
     * a list of numbers (or, when {@code integersOnly}, has a decimal point) is text.
     */
    static ScanResult bareDoubleBracket(Cursor c, String dialect, CoordinateFrame.Scale s, boolean integersOnly) {
        int at = c.pos;
        if (!c.lookingAt("[[")) {
            return ScanResult.NO_MATCH;
        }
        NumberLists.Read r = NumberLists.read(c, at, dialect + " [[...]]", null, true);
        if (!r.ok()) {
            return r.unexpected() ? ScanResult.NO_MATCH : match(c, List.of(), List.of(r.problem()));
        }
        if (r.flat().isEmpty() || (integersOnly && r.flat().stream().anyMatch(NumberLists.Num::decimal))) {
            return ScanResult.NO_MATCH;
        }
        List<ParseWarning> warnings = new ArrayList<>();
        List<Grounding> out = new ArrayList<>();
        for (List<NumberLists.Num> g : r.groups()) {
            Geometry geo = decodeGroup(g, s, false, false, dialect + " [[...]]", warnings);
            if (geo != null) {
                out.add(Grounding.of(geo));
            }
        }
        return match(c, out, warnings);
    }
}
