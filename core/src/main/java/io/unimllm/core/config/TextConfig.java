package io.unimllm.core.config;

import io.unimllm.protocol.ConfigException;
import java.util.List;

/**
 * The Llama-style language decoder of a checkpoint ({@code text_config} of a LLaVA config.json, or the top level of
 * a Llama config.json). Missing fields take Hugging Face's {@code LlamaConfig} defaults.
 *
 * @param hiddenSize model width
 * @param numHiddenLayers decoder layers
 * @param numAttentionHeads query heads
 * @param numKeyValueHeads key/value heads (GQA when fewer than query heads)
 * @param headDim per-head width
 * @param intermediateSize SwiGLU width
 * @param rmsNormEps RMSNorm epsilon
 * @param ropeTheta RoPE base
 * @param vocabSize rows of the embedding and the lm_head
 * @param maxPositionEmbeddings context length
 * @param tieWordEmbeddings lm_head shares the embedding matrix
 * @param hiddenAct MLP activation
 * @param bosTokenId beginning-of-sequence id, may be null
 * @param eosTokenIds end-of-sequence ids (possibly several)
 * @param padTokenId padding id, may be null
 * @param attentionBias q/k/v/o projections have biases
 * @param mlpBias MLP projections have biases
 */
public record TextConfig(int hiddenSize, int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads,
        int headDim, int intermediateSize, double rmsNormEps, double ropeTheta, int vocabSize,
        int maxPositionEmbeddings, boolean tieWordEmbeddings, String hiddenAct, Integer bosTokenId,
        List<Integer> eosTokenIds, Integer padTokenId, boolean attentionBias, boolean mlpBias) {

    /**
     * Copies the id list, so that the record is immutable.
     *
     * @param hiddenSize model width
     * @param numHiddenLayers decoder layers
     * @param numAttentionHeads query heads
     * @param numKeyValueHeads key/value heads (GQA when fewer than query heads)
     * @param headDim per-head width
     * @param intermediateSize SwiGLU width
     * @param rmsNormEps RMSNorm epsilon
     * @param ropeTheta RoPE base
     * @param vocabSize rows of the embedding and the lm_head
     * @param maxPositionEmbeddings context length
     * @param tieWordEmbeddings lm_head shares the embedding matrix
     * @param hiddenAct MLP activation
     * @param bosTokenId beginning-of-sequence id, may be null
     * @param eosTokenIds end-of-sequence ids (possibly several), not null
     * @param padTokenId padding id, may be null
     * @param attentionBias q/k/v/o projections have biases
     * @param mlpBias MLP projections have biases
     */
    public TextConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    static TextConfig read(JsonFields f, boolean tieDefault) {
        String type = f.text("model_type", "llama");
        if (!List.of("llama", "mistral", "vicuna").contains(type)) {
            throw new ConfigException(f.path("model_type") + " is '" + type
                    + "'; supported decoders are llama-style (llama, mistral)", f.file());
        }
        if (f.has("rope_scaling")) {
            throw new ConfigException(f.path("rope_scaling") + " is set (" + f.raw("rope_scaling")
                    + "); scaled RoPE is not supported yet", f.file());
        }
        if (f.has("sliding_window") && !"llama".equals(type)) {
            throw new ConfigException(f.path("sliding_window") + " is set; sliding-window attention is not supported",
                    f.file());
        }
        int hidden = f.positiveInt("hidden_size", 4096);
        int heads = f.positiveInt("num_attention_heads", 32);
        int kvHeads = f.positiveInt("num_key_value_heads", heads);
        if (heads % kvHeads != 0) {
            throw new ConfigException(f.path("num_attention_heads") + " (" + heads + ") is not a multiple of "
                    + f.path("num_key_value_heads") + " (" + kvHeads + ")", f.file());
        }
        if (!f.has("head_dim") && hidden % heads != 0) {
            throw new ConfigException(f.path("hidden_size") + " (" + hidden + ") is not divisible by "
                    + f.path("num_attention_heads") + " (" + heads + ")", f.file());
        }
        int headDim = f.positiveInt("head_dim", hidden / heads);
        if (headDim % 2 != 0) {
            throw new ConfigException("head dimension " + headDim + " is odd; RoPE needs an even one", f.file());
        }
        List<Integer> eos = f.intList("eos_token_id");
        if (!f.has("eos_token_id")) {
            eos = List.of(2);
        }
        int vocab = f.positiveInt("vocab_size", 32000);
        Integer bos = f.has("bos_token_id") ? f.optionalInt("bos_token_id") : Integer.valueOf(1);
        Integer pad = f.optionalInt("pad_token_id");
        for (Integer id : eos) {
            if (id < 0 || id >= vocab) {
                throw new ConfigException(f.path("eos_token_id") + " " + id + " lies outside the vocabulary of "
                        + vocab, f.file());
            }
        }
        return new TextConfig(hidden, f.positiveInt("num_hidden_layers", 32), heads, kvHeads, headDim,
                f.positiveInt("intermediate_size", 11008), f.positiveDouble("rms_norm_eps", 1e-6),
                f.positiveDouble("rope_theta", 10000.0), vocab, f.positiveInt("max_position_embeddings", 2048),
                f.bool("tie_word_embeddings", tieDefault),
                Activations.check(f.text("hidden_act", "silu"), f.path("hidden_act"), f.file()), bos, eos, pad,
                f.bool("attention_bias", false), f.bool("mlp_bias", false));
    }
}
