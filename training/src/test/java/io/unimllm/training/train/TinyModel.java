package io.unimllm.training.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.core.config.LlavaConfig;
import java.io.IOException;
import java.nio.file.Path;

/** The tiny LLaVA checkpoint the trainer tests train: 8 px images of 4 image tokens, a 2-layer decoder of width 16. */
final class TinyModel {
    static final String CONFIG = """
        {"model_type":"llava","image_token_index":60,"vision_feature_layer":-1,
         "vision_feature_select_strategy":"default","projector_hidden_act":"gelu",
         "text_config":{"model_type":"llama","hidden_size":16,"intermediate_size":32,"num_hidden_layers":2,
           "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":64,"max_position_embeddings":32,
           "rms_norm_eps":1e-5,"bos_token_id":1,"eos_token_id":2,"pad_token_id":0},
         "vision_config":{"model_type":"clip_vision_model","hidden_size":8,"intermediate_size":16,
           "num_hidden_layers":1,"num_attention_heads":2,"image_size":8,"patch_size":4,"num_channels":3}}
        """;

    private TinyModel() {
    }

    /** Writes a freshly initialised checkpoint (seeded) to {@code dir}. */
    static Path write(Path dir) throws IOException {
        LlavaConfig cfg = LlavaConfig.parse(new ObjectMapper().readTree(CONFIG), null);
        new ModelInitializer(0.2, 3).write(cfg, dir);
        return dir;
    }
}
