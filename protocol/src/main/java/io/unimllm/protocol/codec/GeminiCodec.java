package io.unimllm.protocol.codec;

/**
 * Gemini's dialect, also used by other models trained on its data: JSON
 * {@code [{"box_2d": [ymin, xmin, ymax, xmax], "label": "cat"}]} and points {@code {"point": [y, x], "label": ...}},
 * <b>y first</b>, integers {@code 0..1000} relative to the image ("Bounding boxes in the [y_min, x_min, y_max, x_max]
 * format ... normalized to 0-1000 for every image", Vertex AI's bounding-box-detection guide; "the point is in [y, x]
 * order", the Gemini spatial-understanding cookbook).
 */
public final class GeminiCodec extends JsonDialectCodec {
    /** Codes per image side; 0 and 1000 lie on the edges. */
    public static final int SCALE = 1000;

    /** The codec. */
    public GeminiCodec() {
        super("Gemini", new JsonGroundings.Keys("box_2d", "point", true, false), CoordinateFrame.Normalized.of(SCALE),
                "  ");
    }

    @Override
    public String name() {
        return "gemini";
    }
}
