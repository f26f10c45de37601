package io.unimllm.tokenizer.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The task tokens a model speaks and the task type each names, as in unimllm.json's {@code "tasks"} section:
 * {@code {"<task_seg>": "segment", "<task_det>": "detect", ...}}. Open: any token string beginning with {@code <}
 * and ending with {@code >} may name any task type.
 */
public final class TaskVocabulary {
    /** Closes a task's arguments. */
    public static final String END = "</task>";

    private final Map<String, String> tokens;

    private TaskVocabulary(Map<String, String> tokens) {
        this.tokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
    }

    /** A vocabulary from token -> task type. */
    public static TaskVocabulary of(Map<String, String> tokens) {
        for (String t : tokens.keySet()) {
            if (!t.startsWith("<") || !t.endsWith(">") || t.length() < 3) {
                throw new IllegalArgumentException("task token '" + t + "' must look like <name>");
            }
        }
        return new TaskVocabulary(tokens);
    }

    /** unimllm's default tokens: segment, detect, edit, generate. */
    public static TaskVocabulary defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("<task_seg>", "segment");
        m.put("<task_det>", "detect");
        m.put("<task_edit>", "edit");
        m.put("<task_gen>", "generate");
        return of(m);
    }

    /**
     * Reads unimllm.json's {@code tasks} object.
     *
     * @throws IllegalArgumentException when it is not an object of strings
     */
    public static TaskVocabulary fromJson(JsonNode tasks) {
        if (tasks == null || tasks.isMissingNode() || tasks.isNull()) {
            return defaults();
        }
        if (!tasks.isObject()) {
            throw new IllegalArgumentException("unimllm.json 'tasks' must be an object of token -> task type");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tasks.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("unimllm.json tasks." + e.getKey() + " must be a string");
            }
            m.put(e.getKey(), e.getValue().asText());
        }
        return of(m);
    }

    /** The task type a token names. */
    public Optional<String> taskType(String token) {
        return Optional.ofNullable(tokens.get(token));
    }

    /** Every task token. */
    public Set<String> tokens() {
        return tokens.keySet();
    }

    /** Token -> task type. */
    public Map<String, String> asMap() {
        return tokens;
    }
}
