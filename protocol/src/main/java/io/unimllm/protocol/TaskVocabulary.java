package io.unimllm.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The open set of task tokens a model knows, each mapped to the task type it routes to (for example
 * {@code "<task_seg>" -> "segment"}), and the hidden-state slot tokens that may follow a task token
 * ({@code "<task_seg>" -> ["<seg_0>", "<seg_1>"]}: VisionLLM v2's super link, LISA/GLaMM's {@code [SEG]}; see
 * docs/protocol.md). Built from the {@code "tasks"} and {@code "slots"} objects of a model's {@code unimllm.json}.
 * Immutable.
 */
public final class TaskVocabulary {
    /** The token that ends every task's arguments. */
    public static final String TASK_END = "</task>";
    /** Same as {@link #TASK_END}. */
    public static final String END = TASK_END;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> typeByToken;
    private final Map<String, List<String>> slotsByToken;

    private TaskVocabulary(Map<String, String> typeByToken, Map<String, List<String>> slotsByToken) {
        this.typeByToken = Collections.unmodifiableMap(new LinkedHashMap<>(typeByToken));
        Map<String, List<String>> slots = new LinkedHashMap<>();
        slotsByToken.forEach((token, list) -> {
            if (!list.isEmpty()) {
                slots.put(token, List.copyOf(list));
            }
        });
        this.slotsByToken = Collections.unmodifiableMap(slots);
    }

    /**
     * A vocabulary from token strings to task type names, without slots.
     *
     * @param typeByToken task token to task type, in the order {@link #tokens()} should list them; copied
     * @return the vocabulary
     * @throws ConfigException when a token or type is null or blank, or a token is {@code </task>}
     */
    public static TaskVocabulary of(Map<String, String> typeByToken) {
        return of(typeByToken, Map.of());
    }

    /**
     * A vocabulary from token strings to task type names, with the hidden-state slot tokens that follow some of the
     * task tokens.
     *
     * @param typeByToken task token to task type, in the order {@link #tokens()} should list them; copied
     * @param slotsByTaskToken task token to its slot tokens, in the order the model writes them (a token may repeat:
     *     {@code ["<emb>", "<emb>"]} is two slots); an empty list declares none; copied
     * @return the vocabulary
     * @throws ConfigException when a token or type is null or blank, a token is {@code </task>}, a slot list names a
     *     task token the vocabulary does not have, or a slot token is blank, {@code </task>} or a task token
     */
    public static TaskVocabulary of(Map<String, String> typeByToken, Map<String, List<String>> slotsByTaskToken) {
        checkTasks(typeByToken);
        for (Map.Entry<String, List<String>> e : slotsByTaskToken.entrySet()) {
            if (!typeByToken.containsKey(e.getKey())) {
                throw new ConfigException("slots are declared for " + e.getKey() + ", which is not a task token of "
                        + "the vocabulary " + typeByToken.keySet(), null);
            }
            for (String slot : e.getValue()) {
                if (slot == null || slot.isBlank()) {
                    throw new ConfigException("slot tokens of " + e.getKey() + " must not be blank: "
                            + e.getValue(), null);
                }
                if (slot.equals(TASK_END) || typeByToken.containsKey(slot)) {
                    throw new ConfigException("slot token " + slot + " of " + e.getKey() + " is "
                            + (slot.equals(TASK_END) ? "the task end" : "a task token") + "; a slot token must be a "
                            + "token of its own", null);
                }
            }
        }
        return new TaskVocabulary(typeByToken, slotsByTaskToken);
    }

    private static void checkTasks(Map<String, String> typeByToken) {
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
        return new TaskVocabulary(m, Map.of());
    }

    /**
     * Reads the vocabulary from a whole {@code unimllm.json} document:
     * {@code {"tasks": {"<task_seg>": "segment", ...}, "slots": {"<task_seg>": ["<seg_0>"]}, ...}}. Other top-level
     * keys are ignored; without a {@code "tasks"} key the {@link #defaults()} task tokens apply, without
     * {@code "slots"} no task has slots.
     *
     * @param unimllmJson the text of a {@code unimllm.json} file
     * @return the vocabulary its {@code "tasks"} and {@code "slots"} objects declare
     * @throws ConfigException when the text is not a JSON object, or {@code tasks} or {@code slots} is malformed
     *     (see {@link #fromJson(JsonNode, JsonNode)})
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
        return fromJson(root.get("tasks"), root.get("slots"));
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
     * Reads the {@code "tasks"} and {@code "slots"} objects of {@code unimllm.json}: tasks as in
     * {@link #fromJson(JsonNode)}, slots as task token to an array of slot token strings
     * ({@code {"<task_seg>": ["<seg_0>", "<seg_1>"]}}); a null or missing {@code slots} declares none.
     *
     * @param tasks the {@code "tasks"} node, or null
     * @param slots the {@code "slots"} node, or null
     * @return the vocabulary they declare
     * @throws ConfigException when {@code tasks} is malformed, {@code slots} is not an object of arrays of strings,
     *     or they break the rules of {@link #of(Map, Map)}
     */
    public static TaskVocabulary fromJson(JsonNode tasks, JsonNode slots) {
        TaskVocabulary v = fromJson(tasks);
        if (slots == null || slots.isMissingNode() || slots.isNull()) {
            return v;
        }
        if (!slots.isObject()) {
            throw new ConfigException("unimllm.json \"slots\" must be an object mapping task tokens to arrays of slot "
                    + "tokens, got " + slots.getNodeType(), null);
        }
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = slots.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode list = e.getValue();
            if (!list.isArray()) {
                throw new ConfigException("unimllm.json slots." + e.getKey() + " must be an array of slot tokens, "
                        + "got " + list.getNodeType(), null);
            }
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isTextual()) {
                    throw new ConfigException("unimllm.json slots." + e.getKey() + "[" + i + "] must be a string, got "
                            + list.get(i).getNodeType(), null);
                }
                tokens.add(list.get(i).asText());
            }
            m.put(e.getKey(), tokens);
        }
        return of(v.typeByToken, m);
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

    /**
     * The slot tokens that follow a task token.
     *
     * @param taskToken a task token, e.g. {@code "<task_seg>"}
     * @return its slot tokens in the order the model writes them; empty when it has none or is not a task token
     */
    public List<String> slots(String taskToken) {
        return slotsByToken.getOrDefault(taskToken, List.of());
    }

    /**
     * Every task token's slot tokens.
     *
     * @return task token to slot tokens, only for task tokens that have slots, in declaration order, unmodifiable
     */
    public Map<String, List<String>> slotsByTaskToken() {
        return slotsByToken;
    }

    /**
     * The distinct slot tokens of all task tokens (for a tokenizer's special tokens and the generator's kept
     * hidden states).
     *
     * @return the slot tokens in order of first declaration, unmodifiable; empty when no task has slots
     */
    public Set<String> slotTokens() {
        Set<String> all = new LinkedHashSet<>();
        slotsByToken.values().forEach(all::addAll);
        return Collections.unmodifiableSet(all);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskVocabulary v && v.typeByToken.equals(typeByToken)
                && v.slotsByToken.equals(slotsByToken);
    }

    @Override
    public int hashCode() {
        return typeByToken.hashCode() * 31 + slotsByToken.hashCode();
    }

    @Override
    public String toString() {
        return "TaskVocabulary" + typeByToken + (slotsByToken.isEmpty() ? "" : " slots " + slotsByToken);
    }
}
