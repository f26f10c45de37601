package io.unimllm.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.Response;
import io.unimllm.core.generate.FinishReason;

/** The OpenAI objects the server writes: chat.completion, chat.completion.chunk, errors, the model list. */
final class ChatJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private ChatJson() {
    }

    /**
     * OpenAI's finish reason: {@code stop} for a stop token, {@code length} for the token limit or a full context,
     * {@code cancelled} for a request the runtime cancelled, {@code error} when the model's logits were not finite
     * (a broken checkpoint).
     */
    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP_TOKEN -> "stop";
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            case CANCELLED -> "cancelled";
            case NON_FINITE -> "error";
        };
    }

    /** A whole non-streamed answer. */
    static ObjectNode completion(String id, long created, String model, Response r, int promptTokens,
            ObjectNode extension) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("object", "chat.completion");
        root.put("created", created);
        root.put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", r.rawAnswer());
        message.set("unimllm", extension);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(r.finishReason()));
        root.set("usage", usage(promptTokens, r.tokens().length));
        return root;
    }

    /** A chunk of a streamed answer with an empty delta. */
    static ObjectNode chunk(String id, long created, String model) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("object", "chat.completion.chunk");
        root.put("created", created);
        root.put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return root;
    }

    /** The delta of a chunk made by {@link #chunk}. */
    static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0).get("delta");
    }

    /** Sets a chunk's finish reason. */
    static void finish(ObjectNode chunk, FinishReason reason) {
        ((ObjectNode) chunk.get("choices").get(0)).put("finish_reason", finishReason(reason));
    }

    /** The last chunk of a stream that asked for usage: no choices, only the counts. */
    static ObjectNode usageChunk(String id, long created, String model, int promptTokens, int completionTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("object", "chat.completion.chunk");
        root.put("created", created);
        root.put("model", model);
        root.putArray("choices");
        root.set("usage", usage(promptTokens, completionTokens));
        return root;
    }

    static ObjectNode usage(int promptTokens, int completionTokens) {
        ObjectNode u = JSON.createObjectNode();
        u.put("prompt_tokens", promptTokens);
        u.put("completion_tokens", completionTokens);
        u.put("total_tokens", promptTokens + completionTokens);
        return u;
    }

    /** {@code {"error": {"message", "type", "param", "code"}}}. */
    static ObjectNode error(ApiException e) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", e.type());
        err.put("param", e.param());
        err.put("code", e.code());
        return root;
    }

    /** One entry of {@code GET /v1/models}. */
    static ObjectNode model(String id, long created) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "unimllm");
        return m;
    }

    static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
