package io.unimllm.protocol.codec;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * Kosmos-2's dialect: {@code <phrase>a dog</phrase><object><patch_index_0044><patch_index_0863></object>}, where a
 * patch index is {@code row * 32 + col} of a 32x32 grid over the image: the first names the box's top-left cell,
 * the second its bottom-right cell. Several boxes for one phrase are joined inside the object by
 * {@code </delimiter_of_multi_objects/>}. Decoding spans from the top-left cell's top-left corner to the
 * bottom-right cell's bottom-right corner (Hugging Face's post-processor uses cell centres instead when the cells
 * differ); encoding takes the cells holding {@code (x1, y1)} and the last pixel before {@code (x2, y2)}. An object
 * holding one patch index is a {@link Point} at that cell's centre, labelled with the phrase. An answer cut off inside
 * a {@code <patch_index_} token is a {@link io.unimllm.protocol.ParseWarning.Kind#TRUNCATED_TOKEN}.
 */
public final class Kosmos2Codec extends AbstractCodec {
    /** Cells per image side. */
    public static final int GRID = 32;
    /** Joins several boxes of one phrase inside {@code <object>}. */
    public static final String DELIMITER = "</delimiter_of_multi_objects/>";

    private static final String PATCH = "<patch_index_";

    @Override
    public String name() {
        return "kosmos2";
    }

    @Override
    public String separator() {
        return " ";
    }

    @Override
    public String startChars() {
        return "<";
    }

    @Override
    protected List<String> openers() {
        return List.of("<phrase>", "<object>", PATCH);
    }

    @Override
    public String encode(Grounding grounding, int w, int h) {
        Quantizer.checkSize(w, h);
        Geometry g = grounding.geometry();
        String phrase = grounding.label().map(l -> "<phrase>" + l + "</phrase>").orElse("");
        if (g instanceof Point p) {
            int cell = Quantizer.bin(p.y(), h, GRID) * GRID + Quantizer.bin(p.x(), w, GRID);
            return phrase + "<object>" + String.format("%s%04d>", PATCH, cell) + "</object>";
        }
        if (!(g instanceof Box b)) {
            throw new IllegalArgumentException("the Kosmos-2 dialect cannot write " + g.getClass().getSimpleName());
        }
        int c1 = Quantizer.bin(b.x1(), w, GRID);
        int r1 = Quantizer.bin(b.y1(), h, GRID);
        int c2 = Quantizer.clamp((int) Math.ceil(b.x2() / w * GRID) - 1, c1, GRID - 1);
        int r2 = Quantizer.clamp((int) Math.ceil(b.y2() / h * GRID) - 1, r1, GRID - 1);
        return phrase + "<object>" + String.format("%s%04d>%s%04d>", PATCH, r1 * GRID + c1, PATCH, r2 * GRID + c2)
                + "</object>";
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        int at = c.pos;
        String label = null;
        if (c.accept("<phrase>")) {
            label = c.readUntilAny("<").strip();
            if (!c.accept("</phrase>")) {
                if (c.atEof() || c.truncatedPrefixOf("</phrase>")) {
                    c.toEnd();
                    return match(c, List.of(), List.of(ParseWarning.at(Kind.UNTERMINATED_GROUNDING, at,
                            "output ends inside <phrase> before </phrase>; dropped")));
                }
                return ScanResult.NO_MATCH;
            }
            if (!c.lookingAt("<object>")) {
                return ScanResult.NO_MATCH; // a phrase without an object is plain text
            }
        }
        if (label == null && c.lookingAt(PATCH)) {
            return ScanResult.NO_MATCH; // a stray patch index is text; looking at it waits for a cut-off one to end
        }
        if (!c.accept("<object>")) {
            return ScanResult.NO_MATCH;
        }
        List<ParseWarning> warnings = new ArrayList<>();
        List<List<long[]>> groups = new ArrayList<>(); // each entry: {index, charPos}
        List<long[]> group = new ArrayList<>();
        groups.add(group);
        while (true) {
            int t = c.pos;
            if (c.accept(PATCH)) {
                Long v = c.readInt();
                if (v == null || !c.accept(">")) {
                    if (c.atEof()) {
                        return match(c, List.of(), List.of(ParseWarning.at(Kind.TRUNCATED_TOKEN, t,
                                "output ends inside <patch_index_...>; dropped the object")));
                    }
                    return match(c, List.of(), List.of(ParseWarning.at(Kind.MALFORMED_GROUNDING, c.pos,
                            "unexpected '" + (char) c.peek() + "' inside <patch_index_...>; dropped the object")));
                }
                group.add(new long[] {v, t});
            } else if (c.truncatedPrefixOf(PATCH)) {
                c.toEnd();
                return match(c, List.of(), List.of(ParseWarning.at(Kind.TRUNCATED_TOKEN, t,
                        "output ends inside <patch_index_...>; dropped the object")));
            } else if (c.accept(DELIMITER)) {
                group = new ArrayList<>();
                groups.add(group);
            } else if (c.accept("</object>")) {
                break;
            } else if (c.atEof() || c.truncatedPrefixOf("</object>") || c.truncatedPrefixOf(DELIMITER)) {
                c.toEnd();
                return match(c, List.of(), List.of(ParseWarning.at(Kind.UNTERMINATED_GROUNDING, at,
                        "output ends inside <object> before </object>; dropped")));
            } else {
                return match(c, List.of(), List.of(ParseWarning.at(Kind.UNTERMINATED_GROUNDING, at,
                        "<object> not closed by </object> before char " + c.pos + "; dropped")));
            }
        }
        List<Grounding> out = new ArrayList<>();
        int max = GRID * GRID - 1;
        for (List<long[]> gr : groups) {
            if (gr.size() == 1) {
                long cell = clampWarn(gr.get(0)[0], 0, max, (int) gr.get(0)[1], "<patch_index_>", warnings);
                Point p = new Point((cell % GRID + 0.5) * w / GRID, (cell / GRID + 0.5) * h / GRID);
                out.add(label == null || label.isEmpty() ? Grounding.of(p) : Grounding.of(p, label));
                continue;
            }
            if (gr.size() != 2) {
                warnings.add(ParseWarning.at(Kind.WRONG_ARITY, gr.isEmpty() ? at : (int) gr.get(0)[1],
                        "Kosmos-2 box has " + gr.size() + " patch indices, expected 2 (or 1, a point); dropped"));
                continue;
            }
            long ul = clampWarn(gr.get(0)[0], 0, max, (int) gr.get(0)[1], "<patch_index_>", warnings);
            long lr = clampWarn(gr.get(1)[0], 0, max, (int) gr.get(1)[1], "<patch_index_>", warnings);
            long[] q = orderCorners(new long[] {ul % GRID, ul / GRID, lr % GRID, lr / GRID}, (int) gr.get(0)[1],
                    "Kosmos-2 box (cells)", warnings);
            Box b = new Box((double) q[0] * w / GRID, (double) q[1] * h / GRID, (double) (q[2] + 1) * w / GRID,
                    (double) (q[3] + 1) * h / GRID);
            out.add(label == null || label.isEmpty() ? Grounding.of(b) : Grounding.of(b, label));
        }
        return match(c, out, warnings);
    }
}
