package io.unimllm.core.config;

import io.unimllm.protocol.ConfigException;
import java.util.List;

/**
 * The Llama-style language decoder of a checkpoint ({@code text_config} of a LLaVA config.json, or the top level of
 * a text-only config.json), chosen by its {@code model_type}: {@code llama} (also {@code mistral} without a sliding
 * window, and {@code vicuna}) or {@code qwen2} (Qwen2 and Qwen1.5: biases on the q/k/v projections, none on o_proj).
 * Missing fields take the defaults of Hugging Face's {@code LlamaConfig} or {@code Qwen2Config}.
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
 * @param modelType the decoder family, one of {@link #SUPPORTED}
 */
public record TextConfig(int hiddenSize, int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads,
        int headDim, int intermediateSize, double rmsNormEps, double ropeTheta, int vocabSize,
        int maxPositionEmbeddings, boolean tieWordEmbeddings, String hiddenAct, Integer bosTokenId,
        List<Integer> eosTokenIds, Integer padTokenId, boolean attentionBias, boolean mlpBias,
        String modelType) {

    /** The decoder {@code model_type}s this runtime reads. */
    public static final List<String> SUPPORTED = List.of("llama", "mistral", "vicuna", "qwen2");

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
     * @param modelType the decoder family, one of {@link #SUPPORTED}
     * @throws IllegalArgumentException when {@code modelType} is not one of {@link #SUPPORTED}
     */
    public TextConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (!SUPPORTED.contains(modelType)) {
            throw new IllegalArgumentException("model type '" + modelType + "' is not one of " + SUPPORTED);
        }
    }

    /**
     * Whether the q, k and v projections have biases: always for Qwen2, with {@code attention_bias} for Llama.
     *
     * @return true when q/k/v carry biases
     */
    public boolean qkvBias() {
        return attentionBias || "qwen2".equals(modelType);
    }

    /**
     * Whether the attention's output projection has a bias: only with Llama's {@code attention_bias} (Qwen2 has
     * none).
     *
     * @return true when o_proj carries a bias
     */
    public boolean outputBias() {
        return attentionBias && !"qwen2".equals(modelType);
    }

    static TextConfig read(JsonFields f, boolean tieDefault) {
        String type = f.text("model_type", "llama");
        if (!SUPPORTED.contains(type)) {
            String supported = f.path("model_type").equals("model_type")
                    ? "supported are llava (multimodal) and the text-only decoders " + SUPPORTED
                    : "supported decoders are " + SUPPORTED;
            throw new ConfigException(f.path("model_type") + " is '" + type + "'; " + supported, f.file());
        }
        boolean qwen2 = type.equals("qwen2");
        if (f.has("rope_scaling")) {
            throw new ConfigException(f.path("rope_scaling") + " is set (" + f.raw("rope_scaling")
                    + "); scaled RoPE is not supported yet", f.file());
        }
        if (qwen2) {
            checkQwen2Window(f);
        } else if (f.has("sliding_window") && !"llama".equals(type)) {
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
        if (!f.has("eos_token_id") && !qwen2) {
            eos = List.of(2);
        }
        // Qwen2Config leaves bos/eos unset (None) and its vocabulary, width and context are Qwen's
        int vocab = f.positiveInt("vocab_size", qwen2 ? 151936 : 32000);
        Integer bos = f.has("bos_token_id") || qwen2 ? f.optionalInt("bos_token_id") : Integer.valueOf(1);
        Integer pad = f.optionalInt("pad_token_id");
        for (Integer id : eos) {
            if (id < 0 || id >= vocab) {
                throw new ConfigException(f.path("eos_token_id") + " " + id + " lies outside the vocabulary of "
                        + vocab, f.file());
            }
        }
        return new TextConfig(hidden, f.positiveInt("num_hidden_layers", 32), heads, kvHeads, headDim,
                f.positiveInt("intermediate_size", qwen2 ? 22016 : 11008), f.positiveDouble("rms_norm_eps", 1e-6),
                f.positiveDouble("rope_theta", 10000.0), vocab,
                f.positiveInt("max_position_embeddings", qwen2 ? 32768 : 2048),
                f.bool("tie_word_embeddings", tieDefault),
                Activations.check(f.text("hidden_act", "silu"), f.path("hidden_act"), f.file()), bos, eos, pad,
                !qwen2 && f.bool("attention_bias", false), !qwen2 && f.bool("mlp_bias", false), type);
    }

    /**
     * Qwen2's sliding window, as transformers' {@code Qwen2Config} reads it: the window is {@code sliding_window}
     * when {@code use_sliding_window} is true (else none), and it applies to the layers from {@code max_window_layers}
     * on (or to those {@code layer_types} marks {@code sliding_attention}). A window that would apply to some layer
     * and is shorter than the context is refused, since this runtime attends to the whole context.
     */
    private static void checkQwen2Window(JsonFields f) {
        if (!f.bool("use_sliding_window", false) || !f.has("sliding_window")) {
            return;
        }
        int window = f.positiveInt("sliding_window", 4096);
        int context = f.positiveInt("max_position_embeddings", 32768);
        int layers = f.positiveInt("num_hidden_layers", 32);
        boolean slides;
        String where;
        if (f.has("layer_types")) {
            slides = f.raw("layer_types").toString().contains("\"sliding_attention\"");
            where = f.path("layer_types") + " marks sliding_attention layers";
        } else {
            int first = f.intValue("max_window_layers", 28);
            slides = first < layers;
            where = f.path("max_window_layers") + " (" + first + ") is below " + f.path("num_hidden_layers") + " ("
                    + layers + ")";
        }
        if (slides && window < context) {
            throw new ConfigException(f.path("use_sliding_window") + " is true with " + f.path("sliding_window") + " "
                    + window + " below " + f.path("max_position_embeddings") + " " + context + " and " + where
                    + "; sliding-window attention is not supported for qwen2 yet", f.file());
        }
    }
}
