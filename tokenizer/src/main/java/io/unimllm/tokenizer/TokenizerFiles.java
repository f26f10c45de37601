package io.unimllm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Hugging Face tokenizer files of a checkpoint directory, read from disk but not yet interpreted as a
 * vocabulary: that is {@link UnimllmTokenizer}'s job, which can rebuild itself from one instance any number of
 * times without touching the disk again.
 *
 * @param source the path of {@code tokenizer.json}, as error messages name the tokenizer
 * @param tokenizerJson the raw bytes of {@code tokenizer.json}; never modified
 * @param config the parsed {@code tokenizer_config.json} object, an empty object if there is no such file
 * @param generationEos the {@code eos_token_id}s of {@code generation_config.json}, in file order; empty if there
 *     is no such file or it names none
 * @param chatTemplate the Jinja {@code chat_template} of {@code tokenizer_config.json}: the string, or the
 *     template named {@code default} of the list form; empty if there is none
 */
record TokenizerFiles(String source, byte[] tokenizerJson, JsonNode config, List<Integer> generationEos,
        Optional<String> chatTemplate) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKENIZER_JSON = "tokenizer.json";
    private static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";
    private static final String GENERATION_CONFIG_JSON = "generation_config.json";

    TokenizerFiles {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        Objects.requireNonNull(config, "config");
        generationEos = List.copyOf(generationEos);
        Objects.requireNonNull(chatTemplate, "chatTemplate");
    }

    /**
     * Reads {@code tokenizer.json} and, if present, {@code tokenizer_config.json} and {@code generation_config.json}.
     *
     * @param checkpointDir directory holding the tokenizer files
     * @return what the files hold
     * @throws TokenizerException if {@code tokenizer.json} is missing or unreadable, or one of the optional files is
     *     corrupt
     */
    static TokenizerFiles read(Path checkpointDir) {
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Path tokenizerFile = checkpointDir.resolve(TOKENIZER_JSON);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(tokenizerFile);
        } catch (NoSuchFileException e) {
            throw new TokenizerException("missing " + TOKENIZER_JSON + ": " + tokenizerFile + " does not exist", e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + tokenizerFile + ": " + e.getMessage(), e);
        }
        JsonNode config = readConfig(checkpointDir.resolve(TOKENIZER_CONFIG_JSON));
        List<Integer> generationEos = readGenerationEos(checkpointDir.resolve(GENERATION_CONFIG_JSON));
        return new TokenizerFiles(tokenizerFile.toString(), bytes, config, generationEos, readChatTemplate(config));
    }

    /** The object of an optional {@code tokenizer_config.json}, or an empty object. */
    private static JsonNode readConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        JsonNode config;
        try {
            config = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new TokenizerException("corrupt " + file + ": " + e.getMessage(), e);
        }
        if (config == null || !config.isObject()) {
            throw new TokenizerException("corrupt " + file + ": expected a JSON object");
        }
        return config;
    }

    /** {@code eos_token_id} of an optional {@code generation_config.json}: an int or a list of ints. */
    private static List<Integer> readGenerationEos(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        JsonNode eos;
        try {
            eos = JSON.readTree(file.toFile()).path("eos_token_id");
        } catch (IOException e) {
            throw new TokenizerException("corrupt " + file + ": " + e.getMessage(), e);
        }
        List<Integer> out = new ArrayList<>();
        if (eos.canConvertToInt()) {
            out.add(eos.asInt());
        } else if (eos.isArray()) {
            for (JsonNode n : eos) {
                if (!n.canConvertToInt()) {
                    throw new TokenizerException("corrupt " + file + ": eos_token_id holds " + n + ", not an integer");
                }
                out.add(n.asInt());
            }
        }
        return out;
    }

    /** {@code chat_template} of the config: a string, or a list of named templates of which "default" counts. */
    private static Optional<String> readChatTemplate(JsonNode cfg) {
        JsonNode n = cfg.get("chat_template");
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (n.isTextual()) {
            return Optional.of(n.asText());
        }
        if (n.isArray()) { // [{"name": "default", "template": "..."}, ...]
            for (JsonNode t : n) {
                if ("default".equals(t.path("name").asText()) && t.path("template").isTextual()) {
                    return Optional.of(t.get("template").asText());
                }
            }
        }
        return Optional.empty();
    }
}
