package io.unimllm.experts.convert;

import java.util.Map;

/** Typed reading of the string options an {@code ExpertProvider} receives from unimllm.json. */
public final class ProviderOptions {
    private ProviderOptions() {
    }

    /**
     * A numeric option.
     *
     * @param options the provider's options
     * @param key the option's key
     * @param fallback the value when the option is absent or blank
     * @return the option's value, surrounding spaces ignored, or {@code fallback}
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

    /**
     * An on/off option that is on unless switched off.
     *
     * @param options the provider's options
     * @param key the option's key, e.g. {@code "centernet.enabled"}
     * @return false only when the option is the string {@code "false"} (any case, surrounding spaces ignored)
     */
    public static boolean enabled(Map<String, String> options, String key) {
        return !"false".equalsIgnoreCase(options.getOrDefault(key, "true").trim());
    }
}
