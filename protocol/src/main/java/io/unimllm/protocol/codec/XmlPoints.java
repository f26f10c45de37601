package io.unimllm.protocol.codec;

import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The XML point form Molmo introduced and Qwen2.5-VL / Qwen3-VL also print: {@code <point x="61.5" y="40.6"
 * alt="alt text">label</point>} and {@code <points x1="10" y1="20" x2="30" y2="40" alt="alt">label</points>}. The
 * numbers are in the dialect's frame (percent for Molmo, the resized input's pixels for Qwen2.5-VL, thousandths for
 * Qwen3-VL). The label is the element's text, else its {@code alt}. An element without coordinate attributes is not a
 * grounding (it stays text).
 */
final class XmlPoints {
    private XmlPoints() {}

    /** Whether a point element may start at the cursor. */
    static boolean startsAt(Cursor c) {
        return c.lookingAt("<point");
    }

    /**
     * Scans one {@code <point ...>} or {@code <points ...>} element at the cursor.
     *
     * @param c the cursor, at {@code <}
     * @param s the frame applied to the image
     * @param dialect the dialect's name, for warnings
     * @return no match, or the element with its points
     */
    static ScanResult scan(Cursor c, CoordinateFrame.Scale s, String dialect) {
        int at = c.pos;
        String tag;
        if (c.lookingAt("<points")) {
            tag = "points";
        } else if (c.lookingAt("<point")) {
            tag = "point";
        } else {
            return ScanResult.NO_MATCH;
        }
        c.pos += 1 + tag.length();
        int ch = c.peek();
        if (!(isSpace(ch) || ch == '>' || ch == '/')) {
            return ScanResult.NO_MATCH; // <pointer>, <pointed ...
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        Map<String, Integer> attrAt = new LinkedHashMap<>();
        boolean selfClosing = false;
        while (true) {
            while (isSpace(c.peek())) {
                c.pos++;
            }
            ch = c.peek();
            if (ch == Cursor.EOF) {
                return cut(c, at, tag);
            }
            if (ch == '>') {
                c.pos++;
                break;
            }
            if (ch == '/') {
                if (c.peek(1) == '>') {
                    c.pos += 2;
                    selfClosing = true;
                    break;
                }
                if (c.peek(1) == Cursor.EOF) {
                    return cut(c, at, tag);
                }
                return ScanResult.NO_MATCH;
            }
            StringBuilder name = new StringBuilder();
            while (Character.isLetterOrDigit(ch = c.peek()) || ch == '_' || ch == '-' || ch == ':') {
                name.append((char) ch);
                c.pos++;
            }
            if (name.isEmpty()) {
                return ScanResult.NO_MATCH;
            }
            while (isSpace(c.peek())) {
                c.pos++;
            }
            if (c.peek() != '=') {
                return c.peek() == Cursor.EOF ? cut(c, at, tag) : ScanResult.NO_MATCH;
            }
            c.pos++;
            while (isSpace(c.peek())) {
                c.pos++;
            }
            int q = c.peek();
            String value;
            int valueAt;
            if (q == '"' || q == '\'') {
                c.pos++;
                valueAt = c.pos;
                value = c.readUntilAny(String.valueOf((char) q));
                if (c.atEof()) {
                    return cut(c, at, tag);
                }
                c.pos++;
            } else {
                valueAt = c.pos;
                StringBuilder v = new StringBuilder();
                while (!(isSpace(ch = c.peek()) || ch == '>' || ch == '/' || ch == Cursor.EOF)) {
                    v.append((char) ch);
                    c.pos++;
                }
                value = v.toString();
            }
            attrs.put(name.toString(), value);
            attrAt.put(name.toString(), valueAt);
        }
        String text = "";
        List<ParseWarning> warnings = new ArrayList<>();
        if (!selfClosing) {
            text = c.readUntilAny("<");
            String close = "</" + tag + ">";
            if (!c.accept(close)) {
                if (c.atEof() || c.truncatedPrefixOf(close)) {
                    return cut(c, at, tag);
                }
                return AbstractCodec.match(c, List.of(), List.of(ParseWarning.at(Kind.UNTERMINATED_GROUNDING, at,
                        "<" + tag + "> not closed by " + close + " before the next tag at char " + c.pos
                                + "; dropped")));
            }
        }
        List<String[]> pairs = new ArrayList<>();
        if (attrs.containsKey("x") || attrs.containsKey("y")) {
            pairs.add(new String[] {"x", "y"});
        }
        for (int i = 1; attrs.containsKey("x" + i) || attrs.containsKey("y" + i); i++) {
            pairs.add(new String[] {"x" + i, "y" + i});
        }
        if (pairs.isEmpty()) {
            return ScanResult.NO_MATCH;
        }
        String label = unescape(text.strip());
        if (label.isEmpty()) {
            label = unescape(attrs.getOrDefault("alt", "").strip());
        }
        String what = dialect + " <" + tag + ">";
        List<Grounding> out = new ArrayList<>();
        for (String[] p : pairs) {
            if (!attrs.containsKey(p[0]) || !attrs.containsKey(p[1])) {
                String present = attrs.containsKey(p[0]) ? p[0] : p[1];
                warnings.add(ParseWarning.at(Kind.WRONG_ARITY, attrAt.get(present), what + " has " + present
                        + " without " + (present.equals(p[0]) ? p[1] : p[0]) + "; dropped that point"));
                continue;
            }
            NumberLists.Num x = number(attrs.get(p[0]), attrAt.get(p[0]), what, warnings);
            NumberLists.Num y = number(attrs.get(p[1]), attrAt.get(p[1]), what, warnings);
            if (x == null || y == null) {
                continue;
            }
            double cx = AbstractCodec.clampCode(x, s.maxX(), what, warnings);
            double cy = AbstractCodec.clampCode(y, s.maxY(), what, warnings);
            out.add(AbstractCodec.labelled(new Point(s.pixelX(cx), s.pixelY(cy)), label));
        }
        return AbstractCodec.match(c, out, warnings);
    }

    private static ScanResult cut(Cursor c, int at, String tag) {
        c.toEnd();
        return AbstractCodec.match(c, List.of(), List.of(ParseWarning.at(Kind.UNTERMINATED_GROUNDING, at,
                "output ends inside <" + tag + " ...>; dropped")));
    }

    private static boolean isSpace(int ch) {
        return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
    }

    /** A plain decimal ({@code -?d+(.d*)?} or {@code -?.d+}), or a {@link Kind#MALFORMED_GROUNDING} warning and null. */
    private static NumberLists.Num number(String raw, int at, String what, List<ParseWarning> warnings) {
        String v = raw.strip();
        int i = v.startsWith("-") || v.startsWith("+") ? 1 : 0;
        int digits = 0;
        boolean dot = false;
        boolean ok = i < v.length();
        for (; i < v.length() && ok; i++) {
            char ch = v.charAt(i);
            if (ch >= '0' && ch <= '9') {
                digits++;
            } else if (ch == '.' && !dot) {
                dot = true;
            } else {
                ok = false;
            }
        }
        if (!ok || digits == 0) {
            warnings.add(ParseWarning.at(Kind.MALFORMED_GROUNDING, at, what + " coordinate \"" + raw
                    + "\" is not a number; dropped that point"));
            return null;
        }
        return new NumberLists.Num(NumberLists.parse(v.startsWith("+") ? v.substring(1) : v), at, dot);
    }

    /** Writes one point as Molmo does: {@code <point x="12.5" y="40.0" alt="label">label</point>}. */
    static String encode(Point p, String label, CoordinateFrame.Scale s) {
        String l = escape(label == null ? "" : label);
        return "<point x=\"" + s.format(s.codeX(p.x())) + "\" y=\"" + s.format(s.codeY(p.y())) + "\" alt=\"" + l
                + "\">" + l + "</point>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        return s.replace("&quot;", "\"").replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
