package io.unimllm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.protocol.ConfigException;
import io.unimllm.protocol.TaskVocabulary;
import io.unimllm.protocol.codec.Codecs;
import io.unimllm.protocol.codec.GroundingCodec;
import io.unimllm.protocol.profile.ModelProfile;
import io.unimllm.protocol.profile.ModelProfiles;
import io.unimllm.router.RoutingConfig;
import io.unimllm.tokenizer.ChatTemplate;
import io.unimllm.tokenizer.JinjaChatTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint's {@code unimllm.json}: the chat template, image placeholder, task vocabulary (with the hidden-state
 * slots of its task tokens), grounding codec (named in {@code "codec"}, or through a model family's
 * {@code "profile"}, or detected from config.json's {@code model_type}), routes and expert options. Every field is
 * optional; a checkpoint without the file is a plain LLaVA model (llava-v1 template, default task tokens, the codec of
 * its model type's profile, unimllm's by default). See docs/protocol.md.
 *
 * @param template chat template
 * @param imageToken image placeholder string
 * @param tasks task vocabulary
 * @param codec grounding dialect
 * @param routing routes and fallback
 * @param expertOptions options handed to expert providers ({@code "experts"} object, values as strings)
 * @param maxNewTokens default generation length
 */
public record ModelManifest(ChatTemplate template, String imageToken, TaskVocabulary tasks, GroundingCodec codec,
        RoutingConfig routing, Map<String, String> expertOptions, int maxNewTokens) {
    /** File name inside a checkpoint. */
    public static final String FILE = "unimllm.json";

    /**
     * The grounding dialect: unimllm.json's {@code "codec"} when it names one, else the codec of its {@code "profile"}
     * (a model family's profile, {@link ModelProfiles#byName}), else the profile that config.json's {@code model_type}
     * implies ({@link ModelProfiles#forModelType}), else unimllm's own dialect.
     */
    private static GroundingCodec codec(JsonNode root, Path dir) {
        if (root.hasNonNull("codec")) {
            return Codecs.byName(root.get("codec").asText());
        }
        if (root.hasNonNull("profile")) {
            return ModelProfiles.byName(root.get("profile").asText()).codec();
        }
        return detectedCodec(dir);
    }

    /**
     * The chat template: unimllm.json's {@code "chat_template"} when it names one (a hand-written template), else the
     * checkpoint's own Jinja template ({@link JinjaChatTemplate#fromCheckpoint}), else llava-v1.
     */
    private static ChatTemplate template(JsonNode root, Path dir) {
        if (root != null && root.hasNonNull("chat_template")) {
            return ChatTemplate.byName(root.get("chat_template").asText());
        }
        return JinjaChatTemplate.fromCheckpoint(dir).<ChatTemplate>map(t -> t).orElseGet(ChatTemplate.LlavaV1::new);
    }

    private static GroundingCodec detectedCodec(Path dir) {
        Path config = dir.resolve("config.json");
        if (Files.isRegularFile(config)) {
            try {
                String type = new ObjectMapper().readTree(config.toFile()).path("model_type").asText("");
                java.util.Optional<ModelProfile> p = ModelProfiles.forModelType(type);
                if (p.isPresent()) {
                    return p.get().codec();
                }
            } catch (IOException e) {
                // config.json is the model loader's to report; the dialect falls back to the default
            }
        }
        return Codecs.byName("unimllm");
    }

    /**
     * Reads {@code dir/unimllm.json}, or defaults when absent.
     *
     * @param dir the checkpoint directory
     * @return the manifest
     * @throws ConfigException naming the file and field when present but malformed
     */
    public static ModelManifest load(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return new ModelManifest(template(null, dir), "<image>", TaskVocabulary.defaults(),
                    detectedCodec(dir), RoutingConfig.none(), Map.of("model.dir", dir.toString()), 256);
        }
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            Map<String, String> options = new LinkedHashMap<>();
            options.put("model.dir", dir.toAbsolutePath().toString());
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("experts").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                options.put(e.getKey(), e.getValue().asText());
            }
            int max = root.path("generation").path("max_new_tokens").asInt(256);
            if (max <= 0) {
                throw new ConfigException("generation.max_new_tokens must be positive, got " + max, file);
            }
            return new ModelManifest(template(root, dir),
                    root.path("image_token").asText("<image>"),
                    TaskVocabulary.fromJson(root.get("tasks"), root.get("slots")),
                    codec(root, dir), RoutingConfig.fromJson(root), options, max);
        } catch (IOException e) {
            throw new ConfigException("unimllm.json is not valid JSON: " + e.getMessage(), file, e);
        } catch (RuntimeException e) {
            if (e instanceof ConfigException) {
                throw e;
            }
            throw new ConfigException("unimllm.json: " + e.getMessage(), file, e);
        }
    }
}
