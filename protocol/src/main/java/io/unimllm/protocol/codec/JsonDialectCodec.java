package io.unimllm.protocol.codec;

import io.unimllm.geometry.Grounding;
import java.util.List;
import java.util.Objects;

/** A JSON grounding dialect in one coordinate frame; see {@link JsonGroundings} for what it reads and repairs. */
abstract class JsonDialectCodec extends AbstractCodec {
    private final String dialect;
    private final JsonGroundings.Keys keys;
    private final CoordinateFrame frame;
    private final String indent;

    JsonDialectCodec(String dialect, JsonGroundings.Keys keys, CoordinateFrame frame, String indent) {
        this.dialect = dialect;
        this.keys = keys;
        this.frame = Objects.requireNonNull(frame, "frame");
        this.indent = indent;
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
        return ",\n";
    }

    @Override
    public String startChars() {
        return keys.xmlPoints() ? "`[{<" : "`[{";
    }

    @Override
    protected List<String> openers() {
        return keys.xmlPoints() ? List.of("<points ", "<point ") : List.of();
    }

    /** Writes one grounding as one JSON object (no fence); {@link #encodeAll} writes the fenced array. */
    @Override
    public String encode(Grounding grounding, int w, int h) {
        JsonGroundings.checkWritable(grounding.geometry(), dialect);
        return JsonGroundings.encodeOne(grounding, keys, frame.scale(w, h), dialect);
    }

    /** Writes the groundings as the model prints them: a {@code ```json} fence around an array, one per line. */
    @Override
    public String encodeAll(List<Grounding> groundings, int w, int h) {
        CoordinateFrame.Scale s = frame.scale(w, h);
        for (Grounding g : groundings) {
            JsonGroundings.checkWritable(g.geometry(), dialect);
        }
        return JsonGroundings.encodeAll(groundings, keys, s, dialect, indent);
    }

    @Override
    protected ScanResult scanAt(Cursor c, int w, int h) {
        return JsonGroundings.scan(c, keys, frame.scale(w, h), dialect);
    }
}
