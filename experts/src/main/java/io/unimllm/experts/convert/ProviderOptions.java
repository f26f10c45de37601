package io.unimllm.experts.convert;

import java.util.Map;

/** Typed reading of the string options an {@code ExpertProvider} receives from unimllm.json. */
public final class ProviderOptions {
    private ProviderOptions() {
    }

    /**
     * A numeric option, or {@code fallback} when absent or blank.
     *
     * @throws IllegalArgumentException naming the option when it is not a number
     */
    public static double number(Map<String, String> options, String key, double fallback) {
        String v = options.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option '" + key + "' must be a number, got '" + v + "'", e);
        }
    }

    /** False only when the option is the string "false" (any case). */
    public static boolean enabled(Map<String, String> options, String key) {
        return !"false".equalsIgnoreCase(options.getOrDefault(key, "true").trim());
    }
}
