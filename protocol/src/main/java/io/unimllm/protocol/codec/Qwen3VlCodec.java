package io.unimllm.protocol.codec;

/**
 * Qwen3-VL's dialect: the same JSON as Qwen2.5-VL ({@code bbox_2d}, {@code point_2d}, {@code label}, usually fenced)
 * and XML points, but in integers {@code 0..1000} relative to the original image ("Qwen3-VL's default coordinate
 * system has been changed from the absolute coordinates used in Qwen2.5-VL to relative coordinates ranging from 0 to
 * 1000", the Qwen3-VL {@code 2d_grounding} cookbook, whose plotting divides by 1000). {@code bbox_3d} objects are not
 * 2-D groundings and are ignored.
 */
public final class Qwen3VlCodec extends JsonDialectCodec {
    /** Codes per image side; 0 and 1000 lie on the edges. */
    public static final int SCALE = 1000;

    /** The codec. */
    public Qwen3VlCodec() {
        super("Qwen3-VL", new JsonGroundings.Keys("bbox_2d", "point_2d", false, true),
                CoordinateFrame.Normalized.of(SCALE), "\t");
    }

    @Override
    public String name() {
        return "qwen3-vl";
    }
}
