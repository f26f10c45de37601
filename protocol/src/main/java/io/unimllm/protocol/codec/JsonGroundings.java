package io.unimllm.protocol.codec;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * Groundings written as JSON, as Qwen2.5-VL, Qwen3-VL, GLM-4.xV ({@code bbox_2d} / {@code point_2d}) and Gemini
 * ({@code box_2d} / {@code point}, y first) print them: {@code [{"bbox_2d": [x1, y1, x2, y2], "label": "cat"}, ...]},
 * usually inside a {@code ```json} fence, sometimes bare. Every object anywhere in the value that has the box or the
 * point key is a grounding (so wrappers like {@code {"objects": [...]}} work); objects without them are ignored. A
 * value with no such object is not a grounding at all: it stays text.
 *
 * <p>Bad output: a block cut off by the length limit keeps the complete objects before the cut
 * ({@link Kind#UNTERMINATED_GROUNDING}); a syntax error keeps the complete objects before it
 * ({@link Kind#MALFORMED_GROUNDING}) and leaves the rest as text; invalid-but-clear JSON (an unescaped quote in a
 * label, a missing comma, Python literals) is read with a {@link Kind#REPAIRED_SYNTAX} warning; a box key holding two
 * numbers is a point; other counts are {@link Kind#WRONG_ARITY}; codes outside the frame are clamped
 * ({@link Kind#OUT_OF_RANGE}).
 */
final class JsonGroundings {
    private JsonGroundings() {}

    /**
     * A JSON dialect's keys and axis order.
     *
     * @param box the key of a box
     * @param point the key of a point
     * @param yFirst whether coordinates are written y first ({@code [ymin, xmin, ymax, xmax]}, {@code [y, x]})
     * @param xmlPoints whether the dialect also writes {@code <points x1= y1= ...>} in the same frame
     */
    record Keys(String box, String point, boolean yFirst, boolean xmlPoints) {}

    private static final String FENCE = "```";

    /** Whether a JSON (or fenced) grounding may start with this character. */
    static boolean startChar(int ch) {
        return ch == '`' || ch == '[' || ch == '{';
    }

    /**
     * Scans a fenced block, a bare JSON value or (when the dialect has them) an XML point element at the cursor.
     *
     * @param c the cursor
     * @param keys the dialect's keys
     * @param s the frame applied to the image
     * @param dialect the dialect's name, for warnings
     * @return no match, or the groundings
     */
    static ScanResult scan(Cursor c, Keys keys, CoordinateFrame.Scale s, String dialect) {
        int at = c.pos;
        boolean fenced = false;
        if (c.peek() == '`') {
            if (!c.accept(FENCE)) {
                return ScanResult.NO_MATCH;
            }
            StringBuilder lang = new StringBuilder();
            int ch;
            while (Character.isLetterOrDigit(ch = c.peek()) || ch == '_' || ch == '-') {
                lang.append((char) ch); // the language tag: json, JSON, xml
                c.pos++;
            }
            skipWhitespace(c);
            if (c.atEof() && lang.toString().equalsIgnoreCase("json")) {
                return AbstractCodec.match(c, List.of(), List.of(ParseWarning.at(Kind.UNTERMINATED_GROUNDING, at,
                        "output ends right after a ```json fence opens; dropped")));
            }
            fenced = true;
        }
        ScanResult r;
        int ch = c.peek();
        if (ch == '<' && keys.xmlPoints()) {
            r = XmlPoints.scan(c, s, dialect);
        } else if ((ch == '[' || ch == '{') && plausibleStart(c)) {
            r = json(c, keys, s, dialect, fenced);
        } else {
            return ScanResult.NO_MATCH; // a fence around something else, or a bracket in prose
        }
        if (fenced && r instanceof ScanResult.Match m) {
            int save = c.pos;
            skipWhitespace(c);
            if (!c.accept(FENCE)) {
                c.pos = save;
            }
            return new ScanResult.Match(c.pos, m.groundings(), m.warnings(), false);
        }
        return r;
    }

    private static void skipWhitespace(Cursor c) {
        int ch;
        while ((ch = c.peek()) == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
            c.pos++;
        }
    }

    /** An object needs a key next, an array an object or an array: so {@code [1]} or {@code {x}} in prose is text. */
    private static boolean plausibleStart(Cursor c) {
        int i = 1;
        int ch;
        while ((ch = c.peek(i)) == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
            i++;
        }
        if (c.peek() == '{') {
            return ch == '"' || ch == '\'' || ch == '}' || ch == Cursor.EOF;
        }
        return ch == '{' || ch == '[' || ch == Cursor.EOF;
    }

    private static ScanResult json(Cursor c, Keys keys, CoordinateFrame.Scale s, String dialect, boolean fenced) {
        int start = c.pos;
        LenientJson p = new LenientJson(c);
        LenientJson.Value v = p.value();
        Walk walk = new Walk(keys, s, dialect);
        walk.visit(v);
        List<ParseWarning> warnings = new ArrayList<>(p.repairs());
        warnings.addAll(walk.warnings);
        switch (p.stop()) {
            case NONE -> {
                if (!walk.sawKey) {
                    return ScanResult.NO_MATCH;
                }
                return AbstractCodec.match(c, walk.out, warnings);
            }
            case END_OF_INPUT -> {
                if (!walk.sawKey && !fenced) {
                    return ScanResult.NO_MATCH;
                }
                c.toEnd();
                warnings.add(ParseWarning.at(Kind.UNTERMINATED_GROUNDING, start, "output ends inside a " + dialect
                        + " JSON block; kept the " + walk.out.size() + " complete grounding"
                        + (walk.out.size() == 1 ? "" : "s") + " before the cut, dropped the rest"));
                return AbstractCodec.match(c, walk.out, warnings);
            }
            default -> {
                if (walk.out.isEmpty()) {
                    return ScanResult.NO_MATCH;
                }
                c.pos = p.stopAt();
                warnings.add(ParseWarning.at(Kind.MALFORMED_GROUNDING, p.stopAt(), "unexpected '"
                        + (char) c.peek() + "' in a " + dialect + " JSON block; kept the " + walk.out.size()
                        + " grounding" + (walk.out.size() == 1 ? "" : "s") + " before it, the rest is text"));
                return AbstractCodec.match(c, walk.out, warnings);
            }
        }
    }

    /** Finds the grounding objects of a value. */
    private static final class Walk {
        final Keys keys;
        final CoordinateFrame.Scale s;
        final String dialect;
        final List<Grounding> out = new ArrayList<>();
        final List<ParseWarning> warnings = new ArrayList<>();
        boolean sawKey;

        Walk(Keys keys, CoordinateFrame.Scale s, String dialect) {
            this.keys = keys;
            this.s = s;
            this.dialect = dialect;
        }

        void visit(LenientJson.Value v) {
            if (v instanceof LenientJson.Arr a) {
                for (LenientJson.Value item : a.items()) {
                    visit(item);
                }
            } else if (v instanceof LenientJson.Obj o) {
                LenientJson.Member box = o.get(keys.box());
                LenientJson.Member point = o.get(keys.point());
                if (box == null && point == null) {
                    for (LenientJson.Member m : o.members()) {
                        visit(m.value());
                    }
                    return;
                }
                sawKey = true;
                if (!o.complete()) {
                    return; // cut off: the object's other fields (its label) may be missing
                }
                String label = o.get("label") != null && o.get("label").value() instanceof LenientJson.Str l
                        ? l.value() : null;
                if (box != null) {
                    add(box, false, label);
                }
                if (point != null) {
                    add(point, true, label);
                }
            }
        }

        private void add(LenientJson.Member m, boolean pointKey, String label) {
            String what = dialect + " \"" + m.key() + "\"";
            List<NumberLists.Num> nums = new ArrayList<>();
            if (!numbers(m.value(), nums)) {
                warnings.add(ParseWarning.at(Kind.MALFORMED_GROUNDING, m.value().at(), what
                        + " does not hold a list of numbers; dropped"));
                return;
            }
            if (pointKey && nums.size() != 2) {
                warnings.add(AbstractCodec.arity(m.value().at(), what, nums.size(), "2"));
                return;
            }
            if (nums.size() != 4 && nums.size() != 2) {
                warnings.add(AbstractCodec.arity(m.value().at(), what, nums.size(), "4 (box) or 2 (point)"));
                return;
            }
            Geometry g = AbstractCodec.decodeGroup(nums, s, keys.yFirst(), false, what, warnings);
            if (g != null) {
                out.add(AbstractCodec.labelled(g, label));
            }
        }

        /** Collects the numbers of a (possibly nested) list; false when it holds anything else. */
        private static boolean numbers(LenientJson.Value v, List<NumberLists.Num> into) {
            if (v instanceof LenientJson.Num n) {
                into.add(new NumberLists.Num(n.value(), n.at(), false));
                return true;
            }
            if (v instanceof LenientJson.Arr a) {
                for (LenientJson.Value item : a.items()) {
                    if (!numbers(item, into)) {
                        return false;
                    }
                }
                return true;
            }
            return false;
        }
    }

    /** One grounding as a JSON object, e.g. {@code {"bbox_2d": [12, 40, 300, 500], "label": "cat"}}. */
    static String encodeOne(Grounding grounding, Keys keys, CoordinateFrame.Scale s, String dialect) {
        Geometry g = grounding.geometry();
        String[] q = AbstractCodec.codes(g, s);
        if (q == null) {
            throw AbstractCodec.cannotWrite(dialect, g);
        }
        String key = g instanceof Box ? keys.box() : keys.point();
        if (keys.yFirst()) {
            q = q.length == 4 ? new String[] {q[1], q[0], q[3], q[2]} : new String[] {q[1], q[0]};
        }
        StringBuilder sb = new StringBuilder("{\"").append(key).append("\": [").append(String.join(", ", q))
                .append(']');
        grounding.label().ifPresent(l -> sb.append(", \"label\": \"")
                .append(JsonStringEncoder.getInstance().quoteAsString(l)).append('"'));
        return sb.append('}').toString();
    }

    /** Several groundings as the models print them: a fenced array, one object per line. */
    static String encodeAll(List<Grounding> groundings, Keys keys, CoordinateFrame.Scale s, String dialect,
            String indent) {
        if (groundings.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("```json\n[\n");
        for (int i = 0; i < groundings.size(); i++) {
            sb.append(indent).append(encodeOne(groundings.get(i), keys, s, dialect))
                    .append(i + 1 < groundings.size() ? ",\n" : "\n");
        }
        return sb.append("]\n```").toString();
    }

    /** Checks that a geometry is one the JSON dialects write. */
    static void checkWritable(Geometry g, String dialect) {
        if (!(g instanceof Box || g instanceof Point)) {
            throw AbstractCodec.cannotWrite(dialect, g);
        }
    }
}
