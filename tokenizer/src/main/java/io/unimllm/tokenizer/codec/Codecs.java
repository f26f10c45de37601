package io.unimllm.tokenizer.codec;

import java.util.List;
import java.util.Locale;

/** The codecs unimllm knows, by the names used in unimllm.json. */
public final class Codecs {
    private Codecs() {
    }

    /** Every codec: unimllm, florence2, paligemma, qwen-vl, kosmos-2, shikra. */
    public static List<GroundingCodec> all() {
        return List.of(new UnimllmCodec(), LocTokenCodec.florence2(), LocTokenCodec.paligemma(), new QwenVlCodec(),
                new Kosmos2Codec(), new ShikraCodec());
    }

    /**
     * The codec of a name.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static GroundingCodec byName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("_", "-");
        for (GroundingCodec c : all()) {
            if (c.name().equals(n) || c.name().replace("-", "").equals(n.replace("-", ""))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown grounding codec '" + name + "'; known: "
                + all().stream().map(GroundingCodec::name).toList());
    }
}
