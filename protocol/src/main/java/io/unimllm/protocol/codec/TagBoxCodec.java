package io.unimllm.protocol.codec;

import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The shape most grounding dialects share: an optional phrase tag, then one or more region tags whose bodies are
 * number lists in a {@link CoordinateFrame}: Qwen2-VL's {@code <|object_ref_start|>...<|box_start|>(x1,y1),(x2,y2)
 * <|box_end|>}, InternVL's {@code <ref>...</ref><box>[[...]]</box>}, MiniCPM-V's {@code <box>x1 y1 x2 y2</box>},
 * DeepSeek-VL2's {@code <|ref|>...<|det|>[[...]]<|/det|>}, GLM-4.xV's {@code <|begin_of_box|>[...]<|end_of_box|>}.
 * Region tags written one right after the other share the phrase. In each body 4 codes are a box, 2 a point (a
 * "box" holding one point is a point, as GUI agents write clicks), 8 in a quad tag a four-cornered polygon.
 */
abstract class TagBoxCodec extends AbstractCodec {
    /**
     * A region tag.
     *
     * @param open its opener
     * @param close its closer
     * @param quads whether 8 codes are a quadrilateral (OCR quads)
     */
    record Tag(String open, String close, boolean quads) {}

    private final String dialect;
    private final String refOpen;
    private final String refClose;
    private final List<Tag> tags;
    private final CoordinateFrame frame;
    private final boolean wholeBodyIsOneGroup;
    private final boolean nonNumericBodyIsText;

    /**
     * A tag dialect.
     *
     * @param dialect the dialect's name in messages
     * @param refOpen the phrase opener, or null when the dialect has no phrase tag
     * @param refClose the phrase closer
     * @param tags the region tags, the first being the one {@link #encode} writes boxes and points with
     * @param frame the coordinate frame
     * @param wholeBodyIsOneGroup whether all numbers of a body form one region ({@code (x1,y1),(x2,y2)}) rather than
     *     one region per innermost bracket ({@code [[...], [...]]})
     * @param nonNumericBodyIsText whether a body that is not a number list leaves the tags as text (GLM's box
     *     markers also wrap plain answers) instead of being a malformed grounding
     */
    TagBoxCodec(String dialect, String refOpen, String refClose, List<Tag> tags, CoordinateFrame frame,
            boolean wholeBodyIsOneGroup, boolean nonNumericBodyIsText) {
        this.dialect = dialect;
        this.refOpen = refOpen;
        this.refClose = refClose;
        this.tags = List.copyOf(tags);
        this.frame = Objects.requireNonNull(frame, "frame");
        this.wholeBodyIsOneGroup = wholeBodyIsOneGroup;
        this.nonNumericBodyIsText = nonNumericBodyIsText;
    }

    /**
     * The frame the dialect's numbers are in.
     *
     * @return the coordinate frame
     */
    public CoordinateFrame frame() {
        return frame;
    }

    @Override
    public String separator() {
        return "";
    }

    @Override
    public String startChars() {
        return "<";
    }

    @Override
    protected List<String> openers() {
        List<String> o = new ArrayList<>();
        if (refOpen != null) {
            o.add(refOpen);
        }
        for (Tag t : tags) {
            o.add(t.open());
        }
        return o;
    }

    /** The body of a region tag for the geometry, e.g. {@code (12,40),(300,500)}; throws when it cannot. */
    protected abstract String body(Geometry g, CoordinateFrame.Scale s);

    /** The tag {@link #encode} writes a geometry with. */
    protected Tag tagFor(Geometry g) {
        return tags.get(0);
    }

    @Override
    public String encode(Grounding grounding, int w, int h) {
        CoordinateFrame.Scale s = frame.scale(w, h);
        Tag t = tagFor(grounding.geometry());
        String body = body(grounding.geometry(), s);
        String ref = refOpen == null ? "" : grounding.label().map(l -> refOpen + l + refClose).orElse("");
        return ref + t.open() + body + t.close();
    }

    private Tag tagAt(Cursor c) {
        for (Tag t : tags) {
            if (c.lookingAt(t.open())) {
                return t;
            }
        }
        return null;
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        int at = c.pos;
        Phrase phrase = readPhrase(c, at, refOpen, refClose);
        if (phrase.early() != null) {
            return phrase.early();
        }
        if (phrase.label() != null) {
            c.skipSpaces();
        }
        Tag tag = tagAt(c);
        if (tag == null) {
            return ScanResult.NO_MATCH; // a phrase without a region is plain text
        }
        CoordinateFrame.Scale s = frame.scale(w, h);
        List<ParseWarning> warnings = new ArrayList<>();
        List<Grounding> out = new ArrayList<>();
        while (tag != null) {
            int t = c.pos;
            c.accept(tag.open());
            NumberLists.Read r = NumberLists.read(c, t, tag.open(), tag.close(), false);
            if (!r.ok()) {
                if (r.unexpected() && nonNumericBodyIsText && out.isEmpty() && warnings.isEmpty()) {
                    return ScanResult.NO_MATCH;
                }
                warnings.add(r.problem());
                break;
            }
            String what = dialect + " " + tag.open();
            List<List<NumberLists.Num>> groups = wholeBodyIsOneGroup
                    ? (r.flat().isEmpty() ? List.of() : List.of(r.flat())) : r.groups();
            if (groups.isEmpty()) {
                warnings.add(arity(t, what, 0, "4 (box) or 2 (point)"));
            }
            for (List<NumberLists.Num> g : groups) {
                Geometry geo = decodeGroup(g, s, false, tag.quads(), what, warnings);
                if (geo != null) {
                    out.add(labelled(geo, phrase.label()));
                }
            }
            tag = tagAt(c);
        }
        return match(c, out, warnings);
    }
}
