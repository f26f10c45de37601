package io.unimllm.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A checkpoint's Hugging Face tokenizer (DJL's native {@code tokenizers} binding) plus unimllm's special tokens.
 *
 * <p>Tokens listed in tokenizer.json's {@code added_tokens} keep their ids. Special tokens the file lacks (task and
 * grounding tokens added to a stock tokenizer) get stable ids {@code baseVocab, baseVocab + 1, ...} in the order
 * given to {@link #load(Path, List)}; text is split on them in Java so each is exactly one id. Thread-safe.
 */
public final class UnimllmTokenizer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer hf;
    private final Map<String, Integer> vocab;
    private final Map<Integer, String> byId;
    private final Set<Integer> special;
    private final Map<String, Integer> extra;
    private final int baseVocab;
    private final Integer bos;
    private final List<Integer> eos;
    private final Path source;

    private UnimllmTokenizer(HuggingFaceTokenizer hf, Map<String, Integer> vocab, Set<Integer> special,
            Map<String, Integer> extra, int baseVocab, Integer bos, List<Integer> eos, Path source) {
        this.hf = hf;
        this.vocab = vocab;
        this.special = special;
        this.extra = extra;
        this.baseVocab = baseVocab;
        this.bos = bos;
        this.eos = eos;
        this.source = source;
        this.byId = new HashMap<>();
        vocab.forEach((t, id) -> byId.put(id, t));
        extra.forEach((t, id) -> byId.put(id, t));
    }

    /** Loads {@code dir/tokenizer.json} (and {@code tokenizer_config.json} when present). */
    public static UnimllmTokenizer load(Path dir) {
        return load(dir, List.of());
    }

    /**
     * Loads the tokenizer and makes sure every token of {@code specialTokens} is a single special id.
     *
     * @throws TokenizerException when tokenizer.json is missing or not a tokenizer
     */
    public static UnimllmTokenizer load(Path dir, List<String> specialTokens) {
        Path file = Files.isDirectory(dir) ? dir.resolve("tokenizer.json") : dir;
        if (!Files.isRegularFile(file)) {
            throw new TokenizerException("tokenizer.json not found: " + file);
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new TokenizerException("tokenizer.json is not valid JSON: " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.path("model").isObject()) {
            throw new TokenizerException("tokenizer.json has no model section: " + file);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        JsonNode v = root.path("model").path("vocab");
        if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                vocab.put(e.getKey(), e.getValue().asInt());
            }
        } else if (v.isArray()) { // Unigram: [[piece, score], ...]
            for (int i = 0; i < v.size(); i++) {
                vocab.put(v.get(i).get(0).asText(), i);
            }
        }
        Set<Integer> special = new HashSet<>();
        for (JsonNode t : root.path("added_tokens")) {
            vocab.put(t.path("content").asText(), t.path("id").asInt());
            if (t.path("special").asBoolean(false)) {
                special.add(t.path("id").asInt());
            }
        }
        int base = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        Map<String, Integer> extra = new LinkedHashMap<>();
        for (String s : specialTokens) {
            Integer id = vocab.get(s);
            if (id != null) {
                special.add(id);
            } else if (!extra.containsKey(s)) {
                extra.put(s, base + extra.size());
            }
        }
        HuggingFaceTokenizer hf;
        try (InputStream in = Files.newInputStream(file)) {
            hf = HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "false", "truncation", "false",
                    "padding", "false", "maxLength", "1000000"));
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
        Integer bos = null;
        List<Integer> eos = new ArrayList<>();
        Path cfg = file.resolveSibling("tokenizer_config.json");
        if (Files.isRegularFile(cfg)) {
            try {
                JsonNode c = JSON.readTree(cfg.toFile());
                bos = tokenOf(c.get("bos_token"), vocab);
                Integer e = tokenOf(c.get("eos_token"), vocab);
                if (e != null) {
                    eos.add(e);
                }
            } catch (IOException e) {
                hf.close();
                throw new TokenizerException("tokenizer_config.json is not valid JSON: " + cfg, e);
            }
        }
        return new UnimllmTokenizer(hf, vocab, special, extra, base, bos, List.copyOf(eos), file);
    }

    private static Integer tokenOf(JsonNode node, Map<String, Integer> vocab) {
        if (node == null || node.isNull()) {
            return null;
        }
        String s = node.isObject() ? node.path("content").asText() : node.asText();
        return vocab.get(s);
    }

    /** Token ids of {@code text}; special tokens written in the text become their single ids. */
    public int[] encode(String text, boolean addBos) {
        List<Integer> out = new ArrayList<>();
        if (addBos && bos != null) {
            out.add(bos);
        }
        int start = 0;
        while (start < text.length()) {
            int best = -1;
            String found = null;
            for (String t : extra.keySet()) {
                int i = text.indexOf(t, start);
                if (i >= 0 && (best < 0 || i < best || (i == best && t.length() > found.length()))) {
                    best = i;
                    found = t;
                }
            }
            int end = best < 0 ? text.length() : best;
            if (end > start) {
                for (long id : hf.encode(text.substring(start, end), false, false).getIds()) {
                    out.add((int) id);
                }
            }
            if (found == null) {
                break;
            }
            out.add(extra.get(found));
            start = best + found.length();
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Text of {@code ids}; special tokens are written out unless {@code skipSpecial}. */
    public String decode(int[] ids, boolean skipSpecial) {
        StringBuilder sb = new StringBuilder();
        List<Long> run = new ArrayList<>();
        for (int id : ids) {
            if (id < 0 || id >= vocabSize()) {
                throw new TokenizerException("token id " + id + " is outside the vocabulary of " + vocabSize()
                        + " (" + source + ")");
            }
            if (id >= baseVocab) {
                flush(sb, run, skipSpecial);
                if (!skipSpecial) {
                    sb.append(byId.get(id));
                }
            } else {
                run.add((long) id);
            }
        }
        flush(sb, run, skipSpecial);
        return sb.toString();
    }

    private void flush(StringBuilder sb, List<Long> run, boolean skipSpecial) {
        if (run.isEmpty()) {
            return;
        }
        long[] a = run.stream().mapToLong(Long::longValue).toArray();
        sb.append(hf.decode(a, skipSpecial));
        run.clear();
    }

    /**
     * The id of a token string.
     *
     * @throws TokenizerException when the vocabulary has no such token
     */
    public int tokenId(String token) {
        return find(token).orElseThrow(() -> new TokenizerException("unknown token '" + token + "' in " + source));
    }

    /** The id of a token string, if the vocabulary has it. */
    public OptionalInt find(String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            id = extra.get(token);
        }
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The token string of an id (raw vocabulary form, e.g. with SentencePiece's "▁"). */
    public String token(int id) {
        String t = byId.get(id);
        if (t == null) {
            throw new TokenizerException("token id " + id + " is outside the vocabulary of " + vocabSize());
        }
        return t;
    }

    /** True for added special tokens (control, task, grounding, image tokens). */
    public boolean isSpecial(int id) {
        return special.contains(id) || id >= baseVocab;
    }

    /** Vocabulary size including tokens added by unimllm. */
    public int vocabSize() {
        return baseVocab + extra.size();
    }

    /** Beginning-of-sequence id from tokenizer_config.json, if any. */
    public OptionalInt bosId() {
        return bos == null ? OptionalInt.empty() : OptionalInt.of(bos);
    }

    /** End-of-sequence ids from tokenizer_config.json. */
    public List<Integer> eosIds() {
        return eos;
    }

    /** Tokens unimllm added beyond the file's vocabulary, with their ids. */
    public Map<String, Integer> addedTokens() {
        return Collections.unmodifiableMap(extra);
    }

    /** A fresh incremental detokenizer. */
    public StreamingDetokenizer streaming() {
        return new StreamingDetokenizer(this);
    }

    @Override
    public void close() {
        hf.close();
    }
}
