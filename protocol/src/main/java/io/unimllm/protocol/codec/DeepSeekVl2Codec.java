package io.unimllm.protocol.codec;

import io.unimllm.geometry.Geometry;
import java.util.List;

/**
 * DeepSeek-VL2's dialect: {@code <|ref|>The giraffe at the back.<|/ref|><|det|>[[580, 270, 999, 900]]<|/det|>},
 * several boxes for one phrase as {@code [[...], [...]]}, integers {@code 0..999} relative to the original image,
 * x first, decoded {@code q / 999 * size} (the demo's {@code parse_ref_bbox}; the maintainers: "normalized to the
 * range [0, 999]"). The model sometimes writes ragged lists (three numbers, a number beside a nested list, runaway
 * digits): each bracket is judged on its own, so {@code [[1, 2, 3, 4], [5, 6, 7]]} keeps its first box.
 */
public final class DeepSeekVl2Codec extends TagBoxCodec {
    /** The code on the right and bottom edges. */
    public static final int SCALE = 999;

    /** The codec. */
    public DeepSeekVl2Codec() {
        super("DeepSeek-VL2", "<|ref|>", "<|/ref|>", List.of(new Tag("<|det|>", "<|/det|>", false)),
                CoordinateFrame.Normalized.of(SCALE), false, false);
    }

    @Override
    public String name() {
        return "deepseek-vl2";
    }

    @Override
    protected String body(Geometry g, CoordinateFrame.Scale s) {
        String[] q = codes(g, s);
        if (q == null) {
            throw cannotWrite("DeepSeek-VL2", g);
        }
        return "[[" + String.join(", ", q) + "]]";
    }
}
