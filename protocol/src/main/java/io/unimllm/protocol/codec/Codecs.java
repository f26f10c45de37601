package io.unimllm.protocol.codec;

import io.unimllm.protocol.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Looks codecs up by the name a model's {@code unimllm.json} gives in {@code "grounding_codec"}. */
public final class Codecs {
    private static final Map<String, Function<ResizeRule, GroundingCodec>> BY_NAME = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        BY_NAME.put("unimllm", r -> new UnimllmCodec());
        BY_NAME.put("florence2", r -> new Florence2Codec(Florence2Codec.Mode.DETECTION));
        BY_NAME.put("florence2-seg", r -> new Florence2Codec(Florence2Codec.Mode.SEGMENTATION));
        BY_NAME.put("paligemma", r -> new PaliGemmaCodec());
        BY_NAME.put("qwen-vl", r -> new QwenVlCodec());
        BY_NAME.put("kosmos2", r -> new Kosmos2Codec());
        BY_NAME.put("shikra", r -> new ShikraCodec());
        BY_NAME.put("qwen2-vl", r -> new Qwen2VlCodec());
        BY_NAME.put("qwen2.5-vl", r -> r == null ? new Qwen25VlCodec() : new Qwen25VlCodec(r));
        BY_NAME.put("qwen3-vl", r -> new Qwen3VlCodec());
        BY_NAME.put("internvl", r -> new InternVlCodec());
        BY_NAME.put("minicpm-v", r -> new MiniCpmVCodec());
        BY_NAME.put("molmo", r -> new MolmoCodec());
        BY_NAME.put("cogvlm", r -> new CogVlmCodec());
        BY_NAME.put("glm4v", r -> new Glm4vCodec());
        BY_NAME.put("minigpt-v2", r -> new MiniGptV2Codec());
        BY_NAME.put("ferret", r -> new FerretCodec());
        BY_NAME.put("deepseek-vl2", r -> new DeepSeekVl2Codec());
        BY_NAME.put("gemini", r -> new GeminiCodec());
        ALIASES.put("cogagent", "cogvlm");
        ALIASES.put("internvl2", "internvl");
        ALIASES.put("internvl2.5", "internvl");
        ALIASES.put("internvl3", "internvl");
        ALIASES.put("glm-4v", "glm4v");
        ALIASES.put("glm-4.1v", "glm4v");
        ALIASES.put("glm-4.5v", "glm4v");
        ALIASES.put("glm-4.6v", "glm4v");
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
        return BY_NAME.values().stream().map(f -> f.apply(null)).toList();
    }

    /**
     * The codec with this name; case, {@code -}, {@code _} and {@code .} are ignored ({@code "Kosmos-2"},
     * {@code "qwen_vl"} and {@code "qwenvl"} all work, as do {@code "qwen2_5_vl"} and {@code "Qwen2.5-VL"}). A few
     * family names are aliases: {@code cogagent} (CogVLM), {@code internvl2}, {@code internvl2.5}, {@code internvl3}
     * (InternVL), {@code glm-4v}, {@code glm-4.1v}, {@code glm-4.5v}, {@code glm-4.6v} (GLM-4V).
     *
     * @param name the {@code "grounding_codec"} value
     * @return a new instance of that codec
     * @throws ConfigException when the name is null or unknown, listing the known ones
     */
    public static GroundingCodec byName(String name) {
        return byName(name, null);
    }

    /**
     * The codec with this name for a model that resizes its input by {@code imageSize}; only dialects whose frame
     * counts pixels of the resized input (Qwen2.5-VL) use the rule, the others ignore it.
     *
     * @param name the codec's name, as for {@link #byName(String)}
     * @param imageSize how the model resizes images, or null for the dialect's default
     * @return a new instance of that codec
     * @throws ConfigException when the name is null or unknown, listing the known ones
     */
    public static GroundingCodec byName(String name, ResizeRule imageSize) {
        if (name == null) {
            throw new ConfigException("grounding codec name is missing; known: " + names(), null);
        }
        String wanted = normalise(name);
        for (Map.Entry<String, String> a : ALIASES.entrySet()) {
            if (normalise(a.getKey()).equals(wanted)) {
                wanted = normalise(a.getValue());
            }
        }
        for (Map.Entry<String, Function<ResizeRule, GroundingCodec>> e : BY_NAME.entrySet()) {
            if (normalise(e.getKey()).equals(wanted)) {
                return e.getValue().apply(imageSize);
            }
        }
        throw new ConfigException("unknown grounding codec '" + name + "'; known: " + names(), null);
    }

    private static String normalise(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "");
    }
}
