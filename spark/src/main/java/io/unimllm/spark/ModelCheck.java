package io.unimllm.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.ModelManifest;
import io.unimllm.core.config.LlavaConfig;
import io.unimllm.core.image.ImageProcessorConfig;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.protocol.ConfigException;
import io.unimllm.tokenizer.TokenizerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The driver's look at a model directory before any task runs, reading only small files and headers (never the
 * weights, which may be gigabytes): config.json, unimllm.json, preprocessor_config.json, tokenizer.json and the
 * safetensors headers (which also catch a truncated weights file). What it cannot see (weights whose values are
 * wrong, a tokenizer that parses but does not fit) fails the first task's load on the executors.
 */
final class ModelCheck {
    private static final String TOKENIZER_JSON = "tokenizer.json";

    private ModelCheck() {
    }

    /**
     * Checks a model directory.
     *
     * @param dir the directory
     * @throws ConfigException when it does not exist, is a file, or a configuration file is missing or malformed
     * @throws io.unimllm.core.CheckpointException when the weights are missing, corrupt or truncated
     * @throws TokenizerException when tokenizer.json is missing or not JSON
     */
    static void check(Path dir) {
        if (!Files.exists(dir)) {
            throw new ConfigException("the model directory does not exist (on the driver; a directory that only the"
                    + " executors see needs checkModel=false)", dir.toAbsolutePath());
        }
        if (!Files.isDirectory(dir)) {
            throw LlavaConfig.notADirectory(dir);
        }
        LlavaConfig config = LlavaConfig.load(dir);
        ModelManifest.load(dir);
        if (config.vision() != null) {
            ImageProcessorConfig.load(dir, config.vision().imageSize());
        }
        Path tokenizer = dir.resolve(TOKENIZER_JSON);
        if (!Files.isRegularFile(tokenizer)) {
            throw new TokenizerException("missing " + TOKENIZER_JSON + ": " + tokenizer + " does not exist");
        }
        try {
            new ObjectMapper().readTree(tokenizer.toFile());
        } catch (IOException e) {
            throw new TokenizerException(tokenizer + " is not valid JSON: " + e.getMessage(), e);
        }
        SafetensorsCheckpoint.open(dir).close(); // open validates every header against its file's size
    }
}
