package io.unimllm.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.unimllm.protocol.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Typed, validating access to fields of a JSON object, naming the field path and file in every error. */
final class JsonFields {
    private final JsonNode node;
    private final String prefix;
    private final Path file;

    JsonFields(JsonNode node, String prefix, Path file) {
        this.node = node;
        this.prefix = prefix;
        this.file = file;
    }

    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    JsonNode raw(String field) {
        return node.get(field);
    }

    String path(String field) {
        return prefix.isEmpty() ? field : prefix + "." + field;
    }

    int positiveInt(String field, int fallback) {
        int v = intValue(field, fallback);
        if (v <= 0) {
            throw new ConfigException(path(field) + " must be a positive integer, got " + v, file);
        }
        return v;
    }

    int intValue(String field, int fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ConfigException(path(field) + " must be an integer, got " + v, file);
        }
        return v.asInt();
    }

    Integer optionalInt(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return intValue(field, 0);
    }

    double positiveDouble(String field, double fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
            throw new ConfigException(path(field) + " must be a positive number, got " + v, file);
        }
        return v.asDouble();
    }

    boolean bool(String field, boolean fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new ConfigException(path(field) + " must be true or false, got " + v, file);
        }
        return v.asBoolean();
    }

    String text(String field, String fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new ConfigException(path(field) + " must be a string, got " + v, file);
        }
        return v.asText();
    }

    /** An int or a list of ints (as eos_token_id may be); empty when absent. */
    List<Integer> intList(String field) {
        JsonNode v = node.get(field);
        List<Integer> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isIntegralNumber()) {
                    throw new ConfigException(path(field) + " must hold integers, got " + e, file);
                }
                out.add(e.asInt());
            }
        } else {
            out.add(intValue(field, 0));
        }
        return out;
    }

    double[] doubles(String field, double[] fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isArray()) {
            throw new ConfigException(path(field) + " must be an array of numbers, got " + v, file);
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) {
                throw new ConfigException(path(field) + "[" + i + "] must be a number, got " + v.get(i), file);
            }
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    Path file() {
        return file;
    }
}
