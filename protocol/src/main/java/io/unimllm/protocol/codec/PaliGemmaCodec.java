package io.unimllm.protocol.codec;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.SegmentationCodes;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * PaliGemma's dialect: four {@code <locNNNN>} tokens ({@code 0000..1023}) in the order <b>y1, x1, y2, x2</b>,
 * optionally followed by 16 {@code <segNNN>} mask codes ({@code 000..127}), then the label; detections are joined
 * by {@code " ; "}: {@code <loc0256><loc0128><loc0768><loc0896> cat ; <loc...> dog}.
 *
 * <p>Scale: this codec uses <b>/1024</b> (the PaliGemma demo's reading, {@code v = q / 1024 * size}); encode is
 * {@code round(v / size * 1024)} clamped to {@code 0..1023}. The big_vision evaluator's /1023 differs by under
 * one part in a thousand. Mask codes are handed on as {@link SegmentationCodes} with codebook
 * {@value #CODEBOOK}; decoding them to a 64x64 box-relative mask is an expert's job.
 */
public final class PaliGemmaCodec extends AbstractCodec {
    /** Grid divisions per image side. */
    public static final int SCALE = 1024;
    /** Largest location code. */
    public static final int MAX_LOC = 1023;
    /** Number of {@code <segNNN>} tokens that follow a box when the model segments. */
    public static final int SEG_TOKENS = 16;
    /** Largest mask code. */
    public static final int MAX_SEG = 127;
    /** Codebook name on the {@link SegmentationCodes} this codec produces. */
    public static final String CODEBOOK = "paligemma-vqvae";

    @Override
    public String name() {
        return "paligemma";
    }

    @Override
    public String separator() {
        return " ; ";
    }

    @Override
    public String startChars() {
        return "<";
    }

    @Override
    protected List<String> openers() {
        return List.of("<loc0000>");
    }

    private static String loc(double v, int size) {
        return String.format("<loc%04d>", Quantizer.gridRound(v, size, SCALE, MAX_LOC));
    }

    @Override
    public String encode(Grounding grounding, int w, int h) {
        Quantizer.checkSize(w, h);
        Geometry g = grounding.geometry();
        Box b;
        int[] codes = null;
        if (g instanceof Box box) {
            b = box;
        } else if (g instanceof SegmentationCodes s && s.codes().length == SEG_TOKENS) {
            b = s.box();
            codes = s.codes();
        } else {
            throw new IllegalArgumentException("the PaliGemma dialect cannot write " + g.getClass().getSimpleName()
                    + (g instanceof SegmentationCodes ? " with other than " + SEG_TOKENS + " codes" : ""));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(loc(b.y1(), h)).append(loc(b.x1(), w)).append(loc(b.y2(), h)).append(loc(b.x2(), w));
        if (codes != null) {
            for (int code : codes) {
                if (code < 0 || code > MAX_SEG) {
                    throw new IllegalArgumentException("PaliGemma mask code " + code + " outside 0.." + MAX_SEG);
                }
                sb.append(String.format("<seg%03d>", code));
            }
        }
        grounding.label().ifPresent(l -> sb.append(' ').append(l));
        return sb.toString();
    }

    private static boolean lookingAtCode(Cursor c, String prefix) {
        if (!c.lookingAt(prefix)) {
            return false;
        }
        int d = c.peek(prefix.length());
        return d >= '0' && d <= '9';
    }

    /** Reads {@code prefix digits >}; returns null and adds a warning when the token is cut off or malformed. */
    private static Long readCode(Cursor c, String prefix, List<ParseWarning> warnings) {
        int t = c.pos;
        c.accept(prefix);
        Long v = c.readInt();
        if (v != null && c.accept(">")) {
            return v;
        }
        if (c.atEof()) {
            warnings.add(ParseWarning.at(Kind.TRUNCATED_TOKEN, t, "output ends inside " + prefix + "...>; dropped"));
        } else {
            warnings.add(ParseWarning.at(Kind.MALFORMED_GROUNDING, c.pos,
                    "unexpected '" + (char) c.peek() + "' inside " + prefix + "...>; dropped"));
        }
        return null;
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        int at = c.pos;
        if (!lookingAtCode(c, "<loc")) {
            return ScanResult.NO_MATCH;
        }
        List<ParseWarning> warnings = new ArrayList<>();
        long[] q = new long[4];
        int n = 0;
        while (n < 4 && lookingAtCode(c, "<loc")) {
            int t = c.pos;
            Long v = readCode(c, "<loc", warnings);
            if (v == null) {
                return match(c, List.of(), warnings);
            }
            q[n++] = clampWarn(v, 0, MAX_LOC, t, "<locNNNN>", warnings);
        }
        if (n < 4) {
            return match(c, List.of(), List.of(arity(at, "PaliGemma box", n, "4 <locNNNN> tokens")));
        }
        List<Integer> codes = new ArrayList<>();
        int segAt = c.pos;
        while (lookingAtCode(c, "<seg")) {
            int t = c.pos;
            Long v = readCode(c, "<seg", warnings);
            if (v == null) {
                codes.clear();
                break;
            }
            codes.add((int) clampWarn(v, 0, MAX_SEG, t, "<segNNN>", warnings));
        }
        if (!codes.isEmpty() && codes.size() != SEG_TOKENS) {
            warnings.add(ParseWarning.at(Kind.WRONG_ARITY, segAt, "PaliGemma mask has " + codes.size()
                    + " <segNNN> tokens, expected " + SEG_TOKENS + "; kept the box, dropped the mask codes"));
            codes.clear();
        }
        // The label runs to ';' (next detection), '<' (next token) or the line's end.
        c.skipSpaces();
        String label = c.readUntilAny(";<\n").strip();
        if (c.peek() == ';') {
            c.pos++;
            c.skipSpaces();
        }
        q = orderCorners(q, at, "PaliGemma box (y1,x1,y2,x2)", warnings);
        Box box = new Box(Quantizer.gridValue(q[1], w, SCALE), Quantizer.gridValue(q[0], h, SCALE),
                Quantizer.gridValue(q[3], w, SCALE), Quantizer.gridValue(q[2], h, SCALE));
        Geometry g = codes.isEmpty() ? box
                : new SegmentationCodes(box, codes.stream().mapToInt(Integer::intValue).toArray(), CODEBOOK);
        return match(c, List.of(label.isEmpty() ? Grounding.of(g) : Grounding.of(g, label)), warnings);
    }
}
