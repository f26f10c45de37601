package io.unimllm.core.config;

import io.unimllm.protocol.ConfigException;

/**
 * A CLIP-style ViT vision tower ({@code vision_config}). Missing fields take Hugging Face's
 * {@code CLIPVisionConfig} defaults as LLaVA-1.5 uses them (ViT-L/14 at 336 px).
 *
 * @param imageSize input side in pixels
 * @param patchSize patch side in pixels
 * @param numChannels input channels
 * @param hiddenSize ViT width
 * @param numHiddenLayers encoder layers
 * @param numAttentionHeads heads
 * @param intermediateSize MLP width
 * @param layerNormEps LayerNorm epsilon
 * @param hiddenAct MLP activation
 */
public record VisionConfig(int imageSize, int patchSize, int numChannels, int hiddenSize, int numHiddenLayers,
        int numAttentionHeads, int intermediateSize, double layerNormEps, String hiddenAct) {

    /**
     * Patches per image, without the class token.
     *
     * @return {@code (imageSize / patchSize)^2}
     */
    public int numPatches() {
        int side = imageSize / patchSize;
        return side * side;
    }

    static VisionConfig read(JsonFields f) {
        String type = f.text("model_type", "clip_vision_model");
        if (!type.startsWith("clip")) {
            throw new ConfigException(f.path("model_type") + " is '" + type
                    + "'; supported vision towers are CLIP-style (clip_vision_model)", f.file());
        }
        int image = f.positiveInt("image_size", 336);
        int patch = f.positiveInt("patch_size", 14);
        if (image % patch != 0) {
            throw new ConfigException(f.path("image_size") + " (" + image + ") is not a multiple of "
                    + f.path("patch_size") + " (" + patch + ")", f.file());
        }
        int hidden = f.positiveInt("hidden_size", 1024);
        int heads = f.positiveInt("num_attention_heads", 16);
        if (hidden % heads != 0) {
            throw new ConfigException(f.path("hidden_size") + " (" + hidden + ") is not divisible by "
                    + f.path("num_attention_heads") + " (" + heads + ")", f.file());
        }
        return new VisionConfig(image, patch, f.positiveInt("num_channels", 3), hidden,
                f.positiveInt("num_hidden_layers", 24), heads, f.positiveInt("intermediate_size", 4096),
                f.positiveDouble("layer_norm_eps", 1e-5),
                Activations.check(f.text("hidden_act", "quick_gelu"), f.path("hidden_act"), f.file()));
    }
}
