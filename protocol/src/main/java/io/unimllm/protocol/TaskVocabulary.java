package io.unimllm.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The open set of task tokens a model knows, each mapped to the task type it routes to (for example
 * {@code "<task_seg>" -> "segment"}). Built from the {@code "tasks"} object of a model's {@code unimllm.json}.
 * Immutable.
 */
public final class TaskVocabulary {
    /** The token that ends every task's arguments. */
    public static final String TASK_END = "</task>";
    /** Same as {@link #TASK_END}. */
    public static final String END = TASK_END;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> typeByToken;

    private TaskVocabulary(Map<String, String> typeByToken) {
        this.typeByToken = Collections.unmodifiableMap(new LinkedHashMap<>(typeByToken));
    }

    /**
     * A vocabulary from token strings to task type names.
     *
     * @param typeByToken task token to task type, in the order {@link #tokens()} should list them; copied
     * @return the vocabulary
     * @throws ConfigException when a token or type is null or blank, or a token is {@code </task>}
     */
    public static TaskVocabulary of(Map<String, String> typeByToken) {
        for (Map.Entry<String, String> e : typeByToken.entrySet()) {
            String token = e.getKey();
            if (token == null || token.isBlank()) {
                throw new ConfigException("task token must not be blank: " + typeByToken, null);
            }
            if (token.equals(TASK_END)) {
                throw new ConfigException(TASK_END + " ends tasks and cannot be a task token", null);
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new ConfigException("task token " + token + " needs a task type name", null);
            }
        }
        return new TaskVocabulary(typeByToken);
    }

    /**
     * unimllm's default vocabulary.
     *
     * @return {@code <task_seg>} to {@code "segment"}, {@code <task_det>} to {@code "detect"}, {@code <task_edit>} to
     *     {@code "edit"} and {@code <task_gen>} to {@code "generate"}
     */
    public static TaskVocabulary defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("<task_seg>", "segment");
        m.put("<task_det>", "detect");
        m.put("<task_edit>", "edit");
        m.put("<task_gen>", "generate");
        return new TaskVocabulary(m);
    }

    /**
     * Reads the vocabulary from a whole {@code unimllm.json} document:
     * {@code {"tasks": {"<task_seg>": "segment", ...}, ...}}. Other top-level keys are ignored; without a
     * {@code "tasks"} key the {@link #defaults()} apply.
     *
     * @param unimllmJson the text of a {@code unimllm.json} file
     * @return the vocabulary its {@code "tasks"} object declares
     * @throws ConfigException when the text is not a JSON object, or {@code tasks} is not an object of strings or
     *     breaks the rules of {@link #of(Map)}
     */
    public static TaskVocabulary fromJson(String unimllmJson) {
        JsonNode root;
        try {
            root = JSON.readTree(unimllmJson);
        } catch (JsonProcessingException e) {
            throw new ConfigException("unimllm.json is not valid JSON: " + e.getOriginalMessage(), null, e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("unimllm.json must be a JSON object", null);
        }
        return fromJson(root.get("tasks"));
    }

    /**
     * Reads the {@code "tasks"} object of {@code unimllm.json} (token to task type); null or missing gives the
     * {@link #defaults()}.
     *
     * @param tasks the {@code "tasks"} node, or null
     * @return the vocabulary it declares
     * @throws ConfigException when it is not an object of strings or breaks the rules of {@link #of(Map)}
     */
    public static TaskVocabulary fromJson(JsonNode tasks) {
        if (tasks == null || tasks.isMissingNode() || tasks.isNull()) {
            return defaults();
        }
        if (!tasks.isObject()) {
            throw new ConfigException("unimllm.json \"tasks\" must be an object mapping task tokens to task "
                    + "types, got " + tasks.getNodeType(), null);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tasks.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ConfigException("unimllm.json tasks." + e.getKey() + " must be a string, got "
                        + e.getValue().getNodeType(), null);
            }
            m.put(e.getKey(), e.getValue().asText());
        }
        return of(m);
    }

    /**
     * The task type a token routes to.
     *
     * @param token a task token, e.g. {@code "<task_seg>"}
     * @return its task type, empty when the token is not in the vocabulary
     */
    public Optional<String> taskType(String token) {
        return Optional.ofNullable(typeByToken.get(token));
    }

    /**
     * The token to write for a task type (for writing task calls).
     *
     * @param taskType a task type, e.g. {@code "segment"}
     * @return the first token, in declaration order, that routes to it; empty when none does
     */
    public Optional<String> token(String taskType) {
        return typeByToken.entrySet().stream().filter(e -> e.getValue().equals(taskType)).map(Map.Entry::getKey)
                .findFirst();
    }

    /**
     * The task tokens.
     *
     * @return the tokens in declaration order, unmodifiable
     */
    public Set<String> tokens() {
        return typeByToken.keySet();
    }

    /**
     * The whole mapping.
     *
     * @return token to task type in declaration order, unmodifiable
     */
    public Map<String, String> asMap() {
        return typeByToken;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskVocabulary v && v.typeByToken.equals(typeByToken);
    }

    @Override
    public int hashCode() {
        return typeByToken.hashCode();
    }

    @Override
    public String toString() {
        return "TaskVocabulary" + typeByToken;
    }
}
