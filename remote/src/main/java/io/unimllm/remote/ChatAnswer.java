package io.unimllm.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The part of an OpenAI chat completion that the remote model uses, read from the answer's body: the first choice's
 * {@code message.content} and {@code finish_reason}. Reading it is also the shape check: a body that is not such a
 * completion is a {@link BadShape} saying what was missing.
 *
 * @param content the answer's text, as the model wrote it
 * @param finishReason the choice's {@code finish_reason}, or null when the endpoint wrote none
 */
record ChatAnswer(String content, String finishReason) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXCERPT = 200;

    /** A body that is not a chat completion with text. */
    static final class BadShape extends Exception {
        private static final long serialVersionUID = 1L;

        BadShape(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Reads a chat completion.
     *
     * @param body the answer's body
     * @return its first choice's text and finish reason
     * @throws BadShape when the body is not JSON, carries an error object, has no choices, or its first choice has no
     *     text content
     */
    static ChatAnswer read(String body) throws BadShape {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadShape("the answer is not JSON: " + excerpt(body), e);
        }
        if (root == null || !root.isObject()) {
            throw new BadShape("the answer is not a JSON object: " + excerpt(body), null);
        }
        JsonNode error = root.get("error");
        if (error != null && !error.isNull()) {
            throw new BadShape("the answer is an error object: " + excerpt(error.path("message").isTextual()
                    ? error.get("message").asText() : error.toString()), null);
        }
        JsonNode choices = root.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw new BadShape("the answer has no choices (expected a chat.completion with choices[0].message"
                    + ".content): " + excerpt(body), null);
        }
        JsonNode message = choices.get(0).get("message");
        if (message == null || !message.isObject()) {
            throw new BadShape("choices[0] has no message: " + excerpt(choices.get(0).toString()), null);
        }
        JsonNode content = message.get("content");
        if (content == null || !content.isTextual()) {
            String instead = message.hasNonNull("tool_calls") ? "; it holds tool calls instead"
                    : message.path("refusal").isTextual() ? "; the model refused: " + excerpt(message.get("refusal")
                            .asText()) : "";
            throw new BadShape("choices[0].message.content is " + (content == null ? "missing" : content.isNull()
                    ? "null" : "not a string but " + content.getNodeType()) + instead, null);
        }
        JsonNode finish = choices.get(0).get("finish_reason");
        return new ChatAnswer(content.asText(), finish != null && finish.isTextual() ? finish.asText() : null);
    }

    /**
     * What an error answer says: the OpenAI error object's {@code message} (vLLM, Ollama and unimllm write one), else
     * the start of the body.
     */
    static String errorText(String body) {
        try {
            JsonNode message = body == null ? null : JSON.readTree(body).path("error").path("message");
            if (message != null && message.isTextual()) {
                return excerpt(message.asText());
            }
        } catch (JsonProcessingException e) {
            // not JSON: the body itself says what there is to say
        }
        return excerpt(body);
    }

    /** The start of a text for an error message, on one line. */
    static String excerpt(String text) {
        if (text == null) {
            return "(nothing)";
        }
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return "'" + (oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT) + "...") + "'";
    }
}
