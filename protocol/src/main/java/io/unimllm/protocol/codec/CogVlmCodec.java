package io.unimllm.protocol.codec;

import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import java.util.List;
import java.util.Locale;

/**
 * CogVLM's and CogAgent's (2023) dialect: plain text {@code a dog[[086,540,400,760]]}, several boxes of one phrase as
 * {@code [[a;b]]}, a point as {@code [[x,y]]}, "relative coordinates multiplied by 1000 (prefixed with zeros to three
 * digits)" (the CogVLM README), so integers {@code 000..999}, decoded {@code q / 1000 * size} (the maintainers: "between
 * 000 to 999. You can use int(x_or_y)/1000*real_height_or_width", zai-org/CogVLM issue 165). Only a double bracket of
 * integers is a grounding; anything else in brackets stays text. Labels are not written.
 */
public final class CogVlmCodec extends AbstractCodec {
    /** The code divisor. */
    public static final int SCALE = 1000;
    /** The largest code (three digits). */
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
        return "cogvlm";
    }

    @Override
    public String separator() {
        return ";";
    }

    @Override
    public String startChars() {
        return "[";
    }

    @Override
    protected List<String> openers() {
        return List.of();
    }

    private static String body(Grounding grounding, CoordinateFrame.Scale s) {
        Geometry g = grounding.geometry();
        String[] q = codes(g, s);
        if (q == null) {
            throw cannotWrite("CogVLM", g);
        }
        StringBuilder sb = new StringBuilder();
        for (String v : q) {
            sb.append(sb.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%03d", Long.parseLong(v)));
        }
        return sb.toString();
    }

    @Override
    public String encode(Grounding grounding, int w, int h) {
        return "[[" + body(grounding, FRAME.scale(w, h)) + "]]";
    }

    /** Writes all groundings in one double bracket joined by {@code ;}, as CogVLM does for one phrase. */
    @Override
    public String encodeAll(List<Grounding> groundings, int w, int h) {
        CoordinateFrame.Scale s = FRAME.scale(w, h);
        if (groundings.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("[[");
        for (Grounding g : groundings) {
            sb.append(sb.length() > 2 ? ";" : "").append(body(g, s));
        }
        return sb.append("]]").toString();
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        return InternVlCodec.bareDoubleBracket(c, "CogVLM", FRAME.scale(w, h), true);
    }
}
