package io.unimllm.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.tokenizer.UnimllmTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an OpenAI chat completion request. The model answers one instruction about at most one image: the text of
 * the last message (which must be the user's) is the instruction and its first image the image; system and
 * developer messages, earlier turns and further images are not used, and the answer's {@code unimllm.notes} says
 * so. Every parameter is checked; a wrong one is a 400 naming it.
 */
final class ChatRequestParser {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final int MAX_STOPS = 4;

    private final ServerConfig config;
    private final UnimllmTokenizer tokenizer;
    private final Set<Integer> runtimeStops;
    private final boolean acceptsImages;
    private final ObjectMapper json;

    /**
     * A parser.
     *
     * @param config the server's limits and model id
     * @param tokenizer the model's tokenizer, for stop sequences
     * @param runtimeStops the runtime's stop ids, kept when a request adds its own
     * @param acceptsImages whether the model has a vision tower
     */
    ChatRequestParser(ServerConfig config, UnimllmTokenizer tokenizer, Set<Integer> runtimeStops,
            boolean acceptsImages) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.runtimeStops = Set.copyOf(runtimeStops);
        this.acceptsImages = acceptsImages;
        // a data URL is one JSON string: let it be as long as the body may be
        int longest = (int) Math.min(Integer.MAX_VALUE - 16, config.maxBodyBytes());
        this.json = JsonMapper.builder(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(longest).build()).build())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    }

    ChatRequest parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.invalid(null, "invalid_json", "the request body is empty; send a JSON chat completion"
                    + " request");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "invalid_json", "the request body is not valid JSON: "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw ApiException.invalid(null, "invalid_json", "the request body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.invalid(null, "invalid_json", "the request body must be a JSON object, got "
                    + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        JsonNode model = root.get("model");
        if (present(model)) {
            String name = text(model, "model");
            if (!name.equals(config.modelId())) {
                throw new ApiException(404, ApiException.INVALID_REQUEST, "model", "model_not_found",
                        "the model '" + name + "' does not exist; this server serves '" + config.modelId() + "'");
            }
        }
        refuseUnsupported(root);
        List<String> notes = new ArrayList<>();
        JsonNode messages = root.get("messages");
        if (!present(messages)) {
            throw ApiException.invalid("messages", "missing_required_parameter", "'messages' is required");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiException.invalid("messages", "invalid_value", "'messages' must be a non-empty array");
        }
        int last = messages.size() - 1;
        int ignored = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String p = "messages[" + i + "]";
            if (!m.isObject()) {
                throw ApiException.invalid(p, "invalid_type", p + " must be an object");
            }
            JsonNode role = m.get("role");
            if (!present(role)) {
                throw ApiException.invalid(p + ".role", "missing_required_parameter", p + ".role is required");
            }
            String r = text(role, p + ".role");
            if (!ROLES.contains(r)) {
                throw ApiException.invalid(p + ".role", "invalid_value", p + ".role '" + r + "' is not one of "
                        + new TreeSet<>(ROLES));
            }
            if (i == last && !r.equals("user")) {
                throw ApiException.invalid(p + ".role", "invalid_value", "the last message must be the user's"
                        + " (the model answers it), got role '" + r + "'");
            }
            if (i < last) {
                ignored++;
            }
        }
        if (ignored > 0) {
            notes.add("only the last user message is used: " + ignored + " earlier message(s) (system prompts,"
                    + " earlier turns) were not given to the model");
        }
        String p = "messages[" + last + "].content";
        JsonNode content = messages.get(last).get("content");
        StringBuilder text = new StringBuilder();
        BufferedImage image = null;
        if (!present(content)) {
            throw ApiException.invalid(p, "missing_required_parameter", p + " is required");
        } else if (content.isTextual()) {
            text.append(content.asText());
        } else if (content.isArray()) {
            int images = 0;
            for (int k = 0; k < content.size(); k++) {
                JsonNode part = content.get(k);
                String pp = p + "[" + k + "]";
                if (!part.isObject()) {
                    throw ApiException.invalid(pp, "invalid_type", pp + " must be an object");
                }
                String type = text(require(part, "type", pp), pp + ".type");
                switch (type) {
                    case "text" -> {
                        if (text.length() > 0) {
                            text.append('\n');
                        }
                        text.append(text(require(part, "text", pp), pp + ".text"));
                    }
                    case "image_url" -> {
                        images++;
                        if (!acceptsImages) {
                            throw ApiException.invalid(pp, "images_not_supported", "model '" + config.modelId()
                                    + "' has no vision tower and takes no images");
                        }
                        if (images == 1) {
                            image = ImageInput.decode(imageUrl(part, pp), pp + ".image_url.url",
                                    config.maxImagePixels());
                        }
                    }
                    default -> throw ApiException.invalid(pp + ".type", "unsupported_content_type", pp + ".type '"
                            + type + "' is not supported; use 'text' or 'image_url'");
                }
            }
            if (images > 1) {
                notes.add("the model takes one image: the first of " + images + " was used");
            }
        } else {
            throw ApiException.invalid(p, "invalid_type", p + " must be a string or an array of content parts");
        }
        if (text.toString().isBlank()) {
            throw ApiException.invalid(p, "invalid_value", p + ": the user message has no text, and the model"
                    + " needs an instruction");
        }
        boolean stream = bool(root, "stream");
        JsonNode options = root.get("stream_options");
        boolean usage = false;
        if (present(options)) {
            if (!options.isObject()) {
                throw ApiException.invalid("stream_options", "invalid_type", "'stream_options' must be an object");
            }
            usage = bool(options, "include_usage");
        }
        return new ChatRequest(text.toString(), image, generation(root), stream, usage, bool(root, "mask_png"),
                notes);
    }

    private GenerationConfig generation(JsonNode root) {
        GenerationConfig.Builder g = GenerationConfig.builder();
        boolean any = false;
        Integer maxTokens = null;
        for (String name : List.of("max_completion_tokens", "max_tokens")) {
            JsonNode n = root.get(name);
            if (!present(n)) {
                continue;
            }
            if (!n.canConvertToInt() || !n.isIntegralNumber()) {
                throw ApiException.invalid(name, "invalid_type", "'" + name + "' must be an integer, got " + n);
            }
            int v = n.intValue();
            if (v < 1) {
                throw ApiException.invalid(name, "invalid_value", "'" + name + "' must be at least 1, got " + v);
            }
            if (v > config.maxCompletionTokens()) {
                throw ApiException.invalid(name, "invalid_value", "'" + name + "' is too large: " + v
                        + "; this server allows at most " + config.maxCompletionTokens() + " completion tokens");
            }
            if (maxTokens != null && maxTokens != v) {
                throw ApiException.invalid(name, "invalid_value", "'max_tokens' (" + v + ") and"
                        + " 'max_completion_tokens' (" + maxTokens + ") disagree; give one");
            }
            maxTokens = v;
        }
        if (maxTokens != null) {
            g.maxNewTokens(maxTokens);
            any = true;
        }
        Double temperature = number(root, "temperature", 0, 2, true);
        if (temperature != null) {
            g.temperature(temperature);
            any = true;
        }
        Double topP = number(root, "top_p", 0, 1, false);
        if (topP != null) {
            g.topP(topP);
            any = true;
        }
        JsonNode seed = root.get("seed");
        if (present(seed)) {
            if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
                throw ApiException.invalid("seed", "invalid_type", "'seed' must be an integer, got " + seed);
            }
            g.seed(seed.longValue());
            any = true;
        }
        Set<Integer> stops = stops(root.get("stop"));
        if (bool(root, "ignore_eos")) {
            // vLLM's extension, for fixed-length runs: only the request's own stop sequences end it
            g.ignoreEos(true).stopTokens(stops);
            any = true;
        } else if (!stops.isEmpty()) {
            Set<Integer> all = new HashSet<>(runtimeStops);
            all.addAll(stops);
            g.stopTokens(all);
            any = true;
        }
        return any ? g.build() : null;
    }

    /** Stop sequences as token ids: each must be one token of the model's vocabulary. */
    private Set<Integer> stops(JsonNode stop) {
        if (!present(stop)) {
            return Set.of();
        }
        List<String> strings = new ArrayList<>();
        if (stop.isTextual()) {
            strings.add(stop.asText());
        } else if (stop.isArray()) {
            if (stop.size() > MAX_STOPS) {
                throw ApiException.invalid("stop", "invalid_value", "'stop' holds " + stop.size()
                        + " sequences, at most " + MAX_STOPS + " are allowed");
            }
            for (int i = 0; i < stop.size(); i++) {
                strings.add(text(stop.get(i), "stop[" + i + "]"));
            }
        } else {
            throw ApiException.invalid("stop", "invalid_type", "'stop' must be a string or an array of strings");
        }
        Set<Integer> ids = new HashSet<>();
        for (String s : strings) {
            if (s.isEmpty()) {
                throw ApiException.invalid("stop", "invalid_value", "'stop' holds an empty sequence");
            }
            OptionalInt special = tokenizer.find(s);
            int[] enc = tokenizer.encode(s, false);
            if (special.isPresent()) {
                ids.add(special.getAsInt());
            } else if (enc.length == 1) {
                ids.add(enc[0]);
            } else {
                throw ApiException.invalid("stop", "unsupported_stop", "stop sequence '" + s + "' is " + enc.length
                        + " tokens of this model; only single-token stop sequences are supported");
            }
        }
        return ids;
    }

    /** Parameters of the OpenAI schema this server cannot honour; refused rather than silently dropped. */
    private static void refuseUnsupported(JsonNode root) {
        JsonNode n = root.get("n");
        if (present(n) && !(n.isIntegralNumber() && n.intValue() == 1)) {
            throw ApiException.invalid("n", "unsupported_parameter", "'n' must be 1: the server writes one choice");
        }
        for (String name : List.of("tools", "functions")) {
            JsonNode t = root.get(name);
            if (present(t) && !(t.isArray() && t.isEmpty())) {
                throw ApiException.invalid(name, "unsupported_parameter", "'" + name + "' is not supported: the"
                        + " model's tasks run on the server (see the message's 'unimllm' field)");
            }
        }
        JsonNode logprobs = root.get("logprobs");
        if (present(logprobs) && logprobs.asBoolean(true)) {
            throw ApiException.invalid("logprobs", "unsupported_parameter", "'logprobs' is not supported");
        }
        JsonNode format = root.get("response_format");
        if (present(format) && !"text".equals(format.path("type").asText())) {
            throw ApiException.invalid("response_format", "unsupported_parameter", "only the 'text' response_format"
                    + " is supported");
        }
        for (String name : List.of("frequency_penalty", "presence_penalty")) {
            JsonNode v = root.get(name);
            if (present(v) && !(v.isNumber() && v.doubleValue() == 0)) {
                throw ApiException.invalid(name, "unsupported_parameter", "'" + name + "' is not supported (only 0)");
            }
        }
    }

    private static String imageUrl(JsonNode part, String pp) {
        JsonNode url = part.get("image_url");
        if (present(url) && url.isObject()) {
            url = url.get("url");
        }
        if (!present(url)) {
            throw ApiException.invalid(pp + ".image_url.url", "missing_required_parameter", pp
                    + ".image_url.url is required: the image as a data URL (data:image/png;base64,...)");
        }
        return text(url, pp + ".image_url.url");
    }

    private static Double number(JsonNode root, String name, double min, double max, boolean minInclusive) {
        JsonNode n = root.get(name);
        if (!present(n)) {
            return null;
        }
        if (!n.isNumber()) {
            throw ApiException.invalid(name, "invalid_type", "'" + name + "' must be a number, got " + n);
        }
        double v = n.doubleValue();
        if (!(minInclusive ? v >= min : v > min) || !(v <= max)) {
            throw ApiException.invalid(name, "invalid_value", "'" + name + "' must be in " + (minInclusive ? "[" : "(")
                    + min + ", " + max + "], got " + v);
        }
        return v;
    }

    private static boolean bool(JsonNode root, String name) {
        JsonNode n = root.get(name);
        if (!present(n)) {
            return false;
        }
        if (!n.isBoolean()) {
            throw ApiException.invalid(name, "invalid_type", "'" + name + "' must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    private static JsonNode require(JsonNode obj, String field, String p) {
        JsonNode n = obj.get(field);
        if (!present(n)) {
            throw ApiException.invalid(p + "." + field, "missing_required_parameter", p + "." + field
                    + " is required");
        }
        return n;
    }

    private static String text(JsonNode n, String p) {
        if (!n.isTextual()) {
            throw ApiException.invalid(p, "invalid_type", p + " must be a string, got " + n.getNodeType().name()
                    .toLowerCase(Locale.ROOT));
        }
        return n.asText();
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull();
    }
}
