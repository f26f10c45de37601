package io.unimllm.router;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which experts serve which task types, in preference order, and what to do with a task no expert serves; read from
 * unimllm.json: {@code "routes": {"segment": ["colour-region-segmenter"], ...}, "fallback": "error" | "skip"}.
 *
 * @param routes task type -> expert names, most preferred first
 * @param skipUnserved true to report unserved tasks as SKIPPED instead of NO_EXPERT
 */
public record RoutingConfig(Map<String, List<String>> routes, boolean skipUnserved) {
    /** Copies the routes. */
    public RoutingConfig {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        routes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        routes = java.util.Collections.unmodifiableMap(copy);
    }

    /** No explicit routes: capability and priority decide; unserved tasks are NO_EXPERT. */
    public static RoutingConfig none() {
        return new RoutingConfig(Map.of(), false);
    }

    /**
     * Reads the {@code routes} and {@code fallback} fields of an unimllm.json tree.
     *
     * @throws IllegalArgumentException naming the field when the shape is wrong
     */
    public static RoutingConfig fromJson(JsonNode root) {
        Map<String, List<String>> routes = new LinkedHashMap<>();
        JsonNode r = root.path("routes");
        if (!r.isMissingNode() && !r.isNull()) {
            if (!r.isObject()) {
                throw new IllegalArgumentException("unimllm.json 'routes' must be an object of task type -> [expert]");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                List<String> names = new ArrayList<>();
                JsonNode v = e.getValue();
                if (v.isTextual()) {
                    names.add(v.asText());
                } else if (v.isArray()) {
                    for (JsonNode n : v) {
                        if (!n.isTextual()) {
                            throw new IllegalArgumentException("unimllm.json routes." + e.getKey()
                                    + " must list expert names (strings), found " + n);
                        }
                        names.add(n.asText());
                    }
                } else {
                    throw new IllegalArgumentException("unimllm.json routes." + e.getKey()
                            + " must be an expert name or a list of them, found " + v);
                }
                routes.put(e.getKey(), names);
            }
        }
        String fallback = root.path("fallback").asText("error");
        if (!fallback.equals("error") && !fallback.equals("skip")) {
            throw new IllegalArgumentException("unimllm.json 'fallback' must be \"error\" or \"skip\", found \""
                    + fallback + "\"");
        }
        return new RoutingConfig(routes, fallback.equals("skip"));
    }

    /** Preferred expert names of a task type (empty when the config names none). */
    public List<String> preferred(String taskType) {
        return routes.getOrDefault(taskType, List.of());
    }
}
