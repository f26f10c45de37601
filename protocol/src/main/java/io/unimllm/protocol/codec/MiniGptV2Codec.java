package io.unimllm.protocol.codec;

import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * MiniGPT-v2's dialect: {@code <p>a man</p> {<31><18><63><98>}}, several boxes of one phrase joined by
 * {@code <delim>} ({@code <p>sofas</p> {<57><49><70><72>}<delim>{<26><48><43><71>}}), integers {@code 0..100}
 * relative to the image, x first, decoded {@code q / 100 * size} ({@code bounding_box_size = 100} in
 * Vision-CAIR/MiniGPT-4 {@code demo_v2.py}); a bare {@code {<...>}} (the {@code [refer]} task) has no phrase. The demo
 * writes boxes from a 100 x 100 mask (cell indices 0..99); its readers and the paper use 0..100, which this codec
 * writes and reads. {@code {<x><y>}} is a point.
 */
public final class MiniGptV2Codec extends AbstractCodec {
    /** Codes per image side; 0 and 100 lie on the edges. */
    public static final int SCALE = 100;
    /** Joins several boxes of one phrase. */
    public static final String DELIM = "<delim>";
    private static final CoordinateFrame FRAME = CoordinateFrame.Normalized.of(SCALE);

    /**
     * The frame the dialect's numbers are in.
     *
     * @return {@code 0..100} of the image
     */
    public CoordinateFrame frame() {
        return FRAME;
    }

    @Override
    public String name() {
        return "minigpt-v2";
    }

    @Override
    public String separator() {
        return " ";
    }

    @Override
    public String startChars() {
        return "<{";
    }

    @Override
    protected List<String> openers() {
        return List.of("<p>");
    }

    @Override
    public String encode(Grounding grounding, int w, int h) {
        String[] q = codes(grounding.geometry(), FRAME.scale(w, h));
        if (q == null) {
            throw cannotWrite("MiniGPT-v2", grounding.geometry());
        }
        StringBuilder sb = new StringBuilder();
        grounding.label().ifPresent(l -> sb.append("<p>").append(l).append("</p> "));
        sb.append('{');
        for (String v : q) {
            sb.append('<').append(v).append('>');
        }
        return sb.append('}').toString();
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        int at = c.pos;
        Phrase phrase = readPhrase(c, at, "<p>", "</p>");
        if (phrase.early() != null) {
            return phrase.early();
        }
        if (phrase.label() != null) {
            c.skipSpaces();
        }
        if (!(c.peek() == '{' && c.peek(1) == '<')) {
            return ScanResult.NO_MATCH;
        }
        CoordinateFrame.Scale s = FRAME.scale(w, h);
        List<ParseWarning> warnings = new ArrayList<>();
        List<Grounding> out = new ArrayList<>();
        while (true) {
            int t = c.pos;
            c.pos++;
            List<NumberLists.Num> nums = new ArrayList<>();
            while (c.accept("<")) {
                int numAt = c.pos;
                String d = c.readDecimal();
                if (d == null || !c.accept(">")) {
                    return broken(c, t, warnings);
                }
                nums.add(new NumberLists.Num(NumberLists.parse(d), numAt, d.indexOf('.') >= 0));
            }
            if (!c.accept("}")) {
                return broken(c, t, warnings);
            }
            Geometry g = decodeGroup(nums, s, false, false, "MiniGPT-v2 {<...>}", warnings);
            if (g != null) {
                out.add(labelled(g, phrase.label()));
            }
            int save = c.pos;
            if (c.accept(DELIM) && c.peek() == '{' && c.peek(1) == '<') {
                continue;
            }
            c.pos = save;
            return match(c, out, warnings);
        }
    }

    /** A box whose {@code <n>} codes or closing brace are broken: the whole expression is dropped. */
    private static ScanResult broken(Cursor c, int boxAt, List<ParseWarning> warnings) {
        List<ParseWarning> w = new ArrayList<>(warnings);
        if (c.atEof()) {
            c.toEnd();
            w.add(ParseWarning.at(Kind.UNTERMINATED_GROUNDING, boxAt, "output ends inside MiniGPT-v2 {<...>}; dropped"));
        } else {
            w.add(ParseWarning.at(Kind.MALFORMED_GROUNDING, c.pos, "unexpected '" + (char) c.peek()
                    + "' inside MiniGPT-v2 {<...>}; dropped"));
        }
        return match(c, List.of(), w);
    }
}
