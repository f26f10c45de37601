package io.unimllm.core.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.protocol.ConfigException;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a {@link LlavaConfig} as a Hugging Face style config.json that {@link LlavaConfig#load} reads back. */
public final class ConfigWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigWriter() {
    }

    /**
     * The config.json tree: a {@code LlavaForConditionalGeneration} config, or a plain {@code LlamaForCausalLM} one
     * when the config has no vision tower.
     *
     * @param c the config to write
     * @return a new JSON tree
     */
    public static ObjectNode toJson(LlavaConfig c) {
        ObjectNode text = textJson(c.text());
        if (c.vision() == null) {
            text.putArray("architectures").add("LlamaForCausalLM");
            return text;
        }
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add("LlavaForConditionalGeneration");
        root.put("model_type", "llava");
        root.put("image_token_index", c.imageTokenIndex());
        root.put("projector_hidden_act", c.projectorHiddenAct());
        root.put("vision_feature_layer", c.visionFeatureLayer());
        root.put("vision_feature_select_strategy", c.visionFeatureSelectStrategy());
        root.put("multimodal_projector_bias", c.projectorBias());
        root.put("tie_word_embeddings", c.text().tieWordEmbeddings());
        root.put("image_seq_length", c.imageSeqLength());
        root.set("text_config", text);
        VisionConfig v = c.vision();
        ObjectNode vis = root.putObject("vision_config");
        vis.put("model_type", "clip_vision_model");
        vis.put("image_size", v.imageSize());
        vis.put("patch_size", v.patchSize());
        vis.put("num_channels", v.numChannels());
        vis.put("hidden_size", v.hiddenSize());
        vis.put("num_hidden_layers", v.numHiddenLayers());
        vis.put("num_attention_heads", v.numAttentionHeads());
        vis.put("intermediate_size", v.intermediateSize());
        vis.put("layer_norm_eps", v.layerNormEps());
        vis.put("hidden_act", v.hiddenAct());
        return root;
    }

    private static ObjectNode textJson(TextConfig t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("model_type", t.modelType());
        n.put("hidden_size", t.hiddenSize());
        n.put("num_hidden_layers", t.numHiddenLayers());
        n.put("num_attention_heads", t.numAttentionHeads());
        n.put("num_key_value_heads", t.numKeyValueHeads());
        n.put("head_dim", t.headDim());
        n.put("intermediate_size", t.intermediateSize());
        n.put("rms_norm_eps", t.rmsNormEps());
        n.put("rope_theta", t.ropeTheta());
        n.put("vocab_size", t.vocabSize());
        n.put("max_position_embeddings", t.maxPositionEmbeddings());
        n.put("tie_word_embeddings", t.tieWordEmbeddings());
        n.put("hidden_act", t.hiddenAct());
        if (t.bosTokenId() != null) {
            n.put("bos_token_id", t.bosTokenId());
        }
        if (t.eosTokenIds().size() == 1) {
            n.put("eos_token_id", t.eosTokenIds().get(0));
        } else {
            ArrayNode eos = n.putArray("eos_token_id");
            t.eosTokenIds().forEach(eos::add);
        }
        if (t.padTokenId() != null) {
            n.put("pad_token_id", t.padTokenId());
        }
        n.put("attention_bias", t.attentionBias());
        n.put("mlp_bias", t.mlpBias());
        return n;
    }

    /**
     * Writes {@code dir/config.json}, replacing any file already there.
     *
     * @param c the config to write
     * @param dir the checkpoint directory, which must exist
     * @throws ConfigException when the file cannot be written
     */
    public static void write(LlavaConfig c, Path dir) {
        Path file = dir.resolve(LlavaConfig.FILE);
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), toJson(c));
        } catch (IOException e) {
            throw new ConfigException("cannot write config.json: " + e.getMessage(), file, e);
        }
    }
}
