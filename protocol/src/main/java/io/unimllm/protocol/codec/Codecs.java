package io.unimllm.protocol.codec;

import io.unimllm.protocol.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Looks codecs up by the name a model's {@code unimllm.json} gives in {@code "grounding_codec"}. */
public final class Codecs {
    private static final Map<String, Supplier<GroundingCodec>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("unimllm", UnimllmCodec::new);
        BY_NAME.put("florence2", () -> new Florence2Codec(Florence2Codec.Mode.DETECTION));
        BY_NAME.put("florence2-seg", () -> new Florence2Codec(Florence2Codec.Mode.SEGMENTATION));
        BY_NAME.put("paligemma", PaliGemmaCodec::new);
        BY_NAME.put("qwen-vl", QwenVlCodec::new);
        BY_NAME.put("kosmos2", Kosmos2Codec::new);
        BY_NAME.put("shikra", ShikraCodec::new);
    }

    private Codecs() {}

    /**
     * The codecs' canonical names.
     *
     * @return the names {@link #byName(String)} accepts, in registration order (a view: do not modify it)
     */
    public static Set<String> names() {
        return java.util.Collections.unmodifiableSet(BY_NAME.keySet());
    }

    /**
     * Every codec.
     *
     * @return a new instance of each codec, in the order of {@link #names()}
     */
    public static List<GroundingCodec> all() {
        return BY_NAME.values().stream().map(Supplier::get).toList();
    }

    /**
     * The codec with this name; case, {@code -} and {@code _} are ignored ({@code "Kosmos-2"}, {@code "qwen_vl"}
     * and {@code "qwenvl"} all work).
     *
     * @param name the {@code "grounding_codec"} value
     * @return a new instance of that codec
     * @throws ConfigException when the name is null or unknown, listing the known ones
     */
    public static GroundingCodec byName(String name) {
        if (name == null) {
            throw new ConfigException("grounding codec name is missing; known: " + names(), null);
        }
        String wanted = normalise(name);
        for (Map.Entry<String, Supplier<GroundingCodec>> e : BY_NAME.entrySet()) {
            if (normalise(e.getKey()).equals(wanted)) {
                return e.getValue().get();
            }
        }
        throw new ConfigException("unknown grounding codec '" + name + "'; known: " + names(), null);
    }

    private static String normalise(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }
}
