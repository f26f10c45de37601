package io.unimllm.protocol.profile;

import io.unimllm.protocol.ConfigException;
import io.unimllm.protocol.codec.CoordinateFrame;
import io.unimllm.protocol.codec.ResizeRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in {@link ModelProfile}s, one per model family, chosen by name (as {@code unimllm.json} would give it) or
 * detected from the {@code model_type} of a checkpoint's {@code config.json}. Sources for every frame: the table in
 * docs/protocol.md.
 */
public final class ModelProfiles {
    private static final Map<String, ModelProfile> BY_NAME = new LinkedHashMap<>();

    private static final List<String> QWEN_VISION = List.of("<|vision_start|>", "<|vision_end|>", "<|image_pad|>");

    static {
        add("unimllm", "unimllm", new CoordinateFrame.Bins(1000), List.of("<image>"), "llava_v1", List.of("llava"));
        add("florence2", "florence2", new CoordinateFrame.Bins(1000), List.of("<loc_0>..<loc_999>", "<poly>", "<sep>"),
                "none", List.of("florence2"));
        add("paligemma", "paligemma", new CoordinateFrame.Normalized(1024, 1023, 0),
                List.of("<loc0000>..<loc1023>", "<seg000>..<seg127>"), "none", List.of("paligemma"));
        add("qwen-vl", "qwen-vl", CoordinateFrame.Normalized.of(1000), List.of("<ref>", "</ref>", "<box>", "</box>"),
                "chatml", List.of());
        add("kosmos2", "kosmos2", new CoordinateFrame.Bins(32),
                List.of("<grounding>", "<phrase>", "</phrase>", "<object>", "</object>",
                    "<patch_index_0000>..<patch_index_1023>", "</delimiter_of_multi_objects/>"),
                "none", List.of("kosmos-2"));
        add("shikra", "shikra", new CoordinateFrame.Normalized(1, 1, 3), List.of(), "llava_v1", List.of());
        add("qwen2-vl", "qwen2-vl", CoordinateFrame.Normalized.of(1000), concat(List.of("<|object_ref_start|>",
                "<|object_ref_end|>", "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>"), QWEN_VISION),
                "chatml", List.of("qwen2_vl"));
        BY_NAME.put("qwen2.5-vl", new ModelProfile("qwen2.5-vl", "qwen2.5-vl",
                new CoordinateFrame.ResizedPixels(ResizeRule.SmartResize.qwen25Vl()), ResizeRule.SmartResize.qwen25Vl(),
                QWEN_VISION, "chatml", List.of("qwen2_5_vl")));
        add("qwen3-vl", "qwen3-vl", CoordinateFrame.Normalized.of(1000), QWEN_VISION, "chatml",
                List.of("qwen3_vl", "qwen3_vl_moe"));
        add("internvl", "internvl", CoordinateFrame.Normalized.of(1000),
                List.of("<ref>", "</ref>", "<box>", "</box>", "<quad>", "</quad>", "<img>", "</img>", "<IMG_CONTEXT>"),
                "chatml", List.of("internvl_chat", "internvl"));
        add("minicpm-v", "minicpm-v", CoordinateFrame.Normalized.of(1000),
                List.of("<ref>", "</ref>", "<box>", "</box>", "<point>", "</point>", "<quad>", "</quad>"), "chatml",
                List.of("minicpmv"));
        add("molmo", "molmo", new CoordinateFrame.Normalized(100, 100, 1), List.of(), "molmo", List.of("molmo"));
        add("cogvlm", "cogvlm", new CoordinateFrame.Normalized(1000, 999, 0), List.of(), "cogvlm",
                List.of("cogvlm", "cogagent"));
        add("glm4v", "glm4v", CoordinateFrame.Normalized.of(1000), List.of("<|begin_of_box|>", "<|end_of_box|>"),
                "glm4v", List.of("glm4v", "glm4v_moe"));
        add("minigpt-v2", "minigpt-v2", CoordinateFrame.Normalized.of(100), List.of(), "llama2", List.of());
        add("ferret", "ferret", new CoordinateFrame.Normalized(1000, 999, 0), List.of("<region_fea>"), "llava_v1",
                List.of());
        add("deepseek-vl2", "deepseek-vl2", CoordinateFrame.Normalized.of(999),
                List.of("<|ref|>", "<|/ref|>", "<|det|>", "<|/det|>", "<|grounding|>"), "deepseek-vl2",
                List.of("deepseek_vl_v2"));
        add("gemini", "gemini", CoordinateFrame.Normalized.of(1000), List.of(), "none", List.of());
    }

    private ModelProfiles() {}

    private static void add(String name, String codec, CoordinateFrame frame, List<String> tokens, String template,
            List<String> modelTypes) {
        BY_NAME.put(name, new ModelProfile(name, codec, frame, ResizeRule.original(), tokens, template, modelTypes));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }

    /**
     * The profiles' names.
     *
     * @return the names {@link #byName(String)} accepts, in a fixed order (unmodifiable)
     */
    public static Set<String> names() {
        return java.util.Collections.unmodifiableSet(BY_NAME.keySet());
    }

    /**
     * Every profile.
     *
     * @return the profiles, in the order of {@link #names()}
     */
    public static List<ModelProfile> all() {
        return List.copyOf(BY_NAME.values());
    }

    /**
     * The profile with this name; case, {@code -}, {@code _} and {@code .} are ignored, so {@code "Qwen2.5-VL"} and
     * {@code "qwen2_5_vl"} both work.
     *
     * @param name the profile's name
     * @return the profile
     * @throws ConfigException when the name is null or unknown, listing the known ones
     */
    public static ModelProfile byName(String name) {
        if (name == null) {
            throw new ConfigException("model profile name is missing; known: " + names(), null);
        }
        String wanted = normalise(name);
        for (ModelProfile p : BY_NAME.values()) {
            if (normalise(p.name()).equals(wanted)) {
                return p;
            }
        }
        throw new ConfigException("unknown model profile '" + name + "'; known: " + names(), null);
    }

    /**
     * The profile of a checkpoint whose {@code config.json} has this {@code model_type} (exact, as transformers
     * compares it: {@code "qwen2_5_vl"}, {@code "internvl_chat"}, {@code "deepseek_vl_v2"}, ...).
     *
     * @param modelType the {@code model_type} value; null or blank gives empty
     * @return the profile, or empty when no built-in profile claims that model type
     */
    public static Optional<ModelProfile> forModelType(String modelType) {
        if (modelType == null || modelType.isBlank()) {
            return Optional.empty();
        }
        String t = modelType.strip();
        for (ModelProfile p : BY_NAME.values()) {
            if (p.modelTypes().contains(t)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String normalise(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "");
    }
}
