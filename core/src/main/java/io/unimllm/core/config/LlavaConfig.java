package io.unimllm.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.protocol.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A checkpoint's config.json: a LLaVA-style multimodal model ({@code model_type} "llava": {@code text_config},
 * {@code vision_config}, projector and image-token fields) or a plain Llama-style decoder (no vision).
 *
 * @param text the language decoder
 * @param vision the vision tower, or null for a text-only checkpoint
 * @param projectorHiddenAct activation between the two projector layers
 * @param imageTokenIndex id of the {@code <image>} placeholder token
 * @param visionFeatureLayer hidden layer of the vision tower fed to the projector (negative counts from the end;
 *     -1 is the last layer, 0 the embeddings)
 * @param visionFeatureSelectStrategy "default" drops the class token, "full" keeps it
 * @param projectorBias projector layers have biases
 * @param source the file read (may be null for configs built in code)
 */
public record LlavaConfig(TextConfig text, VisionConfig vision, String projectorHiddenAct, int imageTokenIndex,
        int visionFeatureLayer, String visionFeatureSelectStrategy, boolean projectorBias, Path source) {

    /** File name of the configuration inside a checkpoint directory. */
    public static final String FILE = "config.json";

    /**
     * Reads {@code dir/config.json}.
     *
     * @param dir the checkpoint directory, or the config file itself (a file named {@code config.json})
     * @return the validated config
     * @throws ConfigException when the file is missing, not JSON, of an unsupported model type, or inconsistent, or
     *     {@code dir} is another file than a {@code config.json} (a weights file, an archive)
     */
    public static LlavaConfig load(Path dir) {
        boolean configFile = Files.isRegularFile(dir) && dir.getFileName().toString().equals(FILE);
        if (!configFile && Files.exists(dir) && !Files.isDirectory(dir)) {
            throw notADirectory(dir);
        }
        Path file = configFile ? dir : dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(Files.exists(dir) ? "config.json not found"
                    : "config.json not found: the checkpoint directory " + dir + " does not exist", file);
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("config.json is not valid JSON: " + e.getMessage(), file, e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("config.json is not a JSON object", file);
        }
        return parse(root, file);
    }

    /**
     * The error for a model path that is a file where a checkpoint directory is expected.
     *
     * @param path the path given
     * @return the exception to throw, naming the path
     */
    public static ConfigException notADirectory(Path path) {
        return new ConfigException("the model path is a file, expected a checkpoint directory (holding config.json "
                + "and the weights)", path);
    }

    /**
     * Parses an already-read config tree: a {@code model_type} other than "llava" is read as a text-only decoder.
     *
     * @param root the top-level JSON object
     * @param file used in error messages and as {@link #source()}; may be null
     * @return the validated config
     * @throws ConfigException when a field is missing, of the wrong type, unsupported or inconsistent
     */
    public static LlavaConfig parse(JsonNode root, Path file) {
        JsonFields top = new JsonFields(root, "", file);
        String type = top.text("model_type", null);
        if (type == null) {
            throw new ConfigException("model_type is missing", file);
        }
        if (!type.equals("llava")) {
            TextConfig text = TextConfig.read(top, false);
            return new LlavaConfig(text, null, "gelu", -1, -1, "default", true, file);
        }
        JsonNode tc = root.get("text_config");
        JsonNode vc = root.get("vision_config");
        if (tc == null || !tc.isObject()) {
            throw new ConfigException("text_config is missing or not an object", file);
        }
        if (vc == null || !vc.isObject()) {
            throw new ConfigException("vision_config is missing or not an object", file);
        }
        // LLaVA keeps tie_word_embeddings at the top level in some exports and in text_config in others.
        TextConfig text = TextConfig.read(new JsonFields(tc, "text_config", file),
                top.bool("tie_word_embeddings", false));
        VisionConfig vision = VisionConfig.read(new JsonFields(vc, "vision_config", file));
        String imageField = !top.has("image_token_index") && top.has("image_token_id") ? "image_token_id"
                : "image_token_index";
        int imageToken = top.intValue(imageField, 32000);
        if (imageToken < 0 || imageToken >= text.vocabSize()) {
            throw new ConfigException(imageField + " " + imageToken + " lies outside the text vocabulary of "
                    + text.vocabSize() + " (text_config.vocab_size)", file);
        }
        int layer = top.intValue("vision_feature_layer", -2);
        int layers = vision.numHiddenLayers();
        if (layer < -(layers + 1) || layer > layers) {
            throw new ConfigException("vision_feature_layer " + layer + " is outside the vision tower's "
                    + layers + " layers", file);
        }
        String strategy = top.text("vision_feature_select_strategy", "default");
        if (!strategy.equals("default") && !strategy.equals("full")) {
            throw new ConfigException("vision_feature_select_strategy is '" + strategy
                    + "'; expected 'default' or 'full'", file);
        }
        String act = Activations.check(top.text("projector_hidden_act", "gelu"), "projector_hidden_act", file);
        if (top.has("image_seq_length")) {
            int declared = top.intValue("image_seq_length", 0);
            int actual = vision.numPatches() + (strategy.equals("full") ? 1 : 0);
            if (declared != actual) {
                throw new ConfigException("image_seq_length " + declared + " disagrees with vision_config, which gives "
                        + actual + " image tokens", file);
            }
        }
        return new LlavaConfig(text, vision, act, imageToken, layer, strategy,
                top.bool("multimodal_projector_bias", true), file);
    }

    /**
     * Whether the checkpoint is multimodal.
     *
     * @return true when the checkpoint has a vision tower
     */
    public boolean hasVision() {
        return vision != null;
    }

    /**
     * Number of embeddings one image contributes to the decoder input.
     *
     * @return the patch count, plus one for the class token under the "full" strategy; 0 without vision
     */
    public int imageSeqLength() {
        if (vision == null) {
            return 0;
        }
        return vision.numPatches() + ("full".equals(visionFeatureSelectStrategy) ? 1 : 0);
    }
}
