package io.unimllm.router;

import com.fasterxml.jackson.databind.JsonNode;
import io.unimllm.protocol.ConfigException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which experts serve which task types, in preference order, and what to do with a task no expert serves; read from
 * unimllm.json: {@code "routes": {"segment": ["colour-region-segmenter"], ...}, "fallback": "error" | "skip"}.
 *
 * @param routes task type to expert names, most preferred first; a named expert is chosen only when it serves the
 *     type and can take the task's inputs, otherwise the next one is tried, then the usual choice by priority
 * @param skipUnserved true to report unserved tasks as {@link TaskStatus#SKIPPED} instead of
 *     {@link TaskStatus#NO_EXPERT}
 */
public record RoutingConfig(Map<String, List<String>> routes, boolean skipUnserved) {
    /**
     * Copies the routes, so the configuration is immutable.
     *
     * @param routes task type to expert names, most preferred first
     * @param skipUnserved true to report unserved tasks as skipped
     * @throws NullPointerException when {@code routes}, a list or a name is null
     */
    public RoutingConfig {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        routes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        routes = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * No explicit routes: capability and priority decide; unserved tasks are {@link TaskStatus#NO_EXPERT}.
     *
     * @return the empty configuration
     */
    public static RoutingConfig none() {
        return new RoutingConfig(Map.of(), false);
    }

    /**
     * Reads the {@code routes} and {@code fallback} fields of an unimllm.json tree. A route may be one expert name
     * or a list of them; without {@code fallback} it is {@code "error"}.
     *
     * @param root the whole unimllm.json document
     * @return the configuration; equal to {@link #none()} when neither field is present
     * @throws ConfigException naming the field when the shape is wrong
     */
    public static RoutingConfig fromJson(JsonNode root) {
        Map<String, List<String>> routes = new LinkedHashMap<>();
        JsonNode r = root.path("routes");
        if (!r.isMissingNode() && !r.isNull()) {
            if (!r.isObject()) {
                throw new ConfigException("unimllm.json 'routes' must be an object of task type -> [expert]", null);
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
                            throw new ConfigException("unimllm.json routes." + e.getKey()
                                    + " must list expert names (strings), found " + n, null);
                        }
                        names.add(n.asText());
                    }
                } else {
                    throw new ConfigException("unimllm.json routes." + e.getKey()
                            + " must be an expert name or a list of them, found " + v, null);
                }
                routes.put(e.getKey(), names);
            }
        }
        String fallback = root.path("fallback").asText("error");
        if (!fallback.equals("error") && !fallback.equals("skip")) {
            throw new ConfigException("unimllm.json 'fallback' must be \"error\" or \"skip\", found \""
                    + fallback + "\"", null);
        }
        return new RoutingConfig(routes, fallback.equals("skip"));
    }

    /**
     * This configuration with the route of one task type replaced (or added).
     *
     * @param taskType the task type
     * @param experts expert names, most preferred first; empty removes the type's route
     * @return the new configuration
     */
    public RoutingConfig withRoute(String taskType, List<String> experts) {
        Map<String, List<String>> copy = new LinkedHashMap<>(routes);
        if (experts.isEmpty()) {
            copy.remove(taskType);
        } else {
            copy.put(taskType, experts);
        }
        return new RoutingConfig(copy, skipUnserved);
    }

    /**
     * The route of a task type.
     *
     * @param taskType the task type
     * @return its expert names, most preferred first; empty when the configuration names none
     */
    public List<String> preferred(String taskType) {
        return routes.getOrDefault(taskType, List.of());
    }
}
