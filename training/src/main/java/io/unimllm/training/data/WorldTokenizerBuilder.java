package io.unimllm.training.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.training.world.synth.Phrasings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes a Hugging Face word-level tokenizer ({@code tokenizer.json} + {@code tokenizer_config.json}) covering every
 * text of the synthetic world, for the tiny model.
 *
 * <p>Design, chosen so that {@code decode(encode(x)) == x} exactly for every world text, answers included:
 * <ul>
 *   <li>Control and protocol tokens ({@code <unk> <s> </s> <pad> <image> <task_seg> ... </point>}, {@code ","},
 *       {@code "\n"}) are added tokens, matched before pre-tokenization.</li>
 *   <li>The pre-tokenizer is {@code Metaspace(replacement "▁", prepend_scheme never, split)} then
 *       {@code Punctuation(isolated)} then {@code Digits(individual)}: a word keeps the space before it as a leading
 *       {@code ▁} ("segment the" -> {@code segment}, {@code ▁the}), punctuation and each digit are tokens of their
 *       own, and a space before a digit or punctuation becomes a lone {@code ▁} token.</li>
 *   <li>The Metaspace decoder turns {@code ▁} back into a space and concatenates, so no space is invented between
 *       {@code 1}, {@code 2}, {@code 0}, {@code ","}: {@code <box>120,80,360,400</box>} round-trips exactly.</li>
 * </ul>
 * Normalisation that remains: characters outside the vocabulary (tabs, unseen words) become {@code <unk>}.
 * Control tokens are {@code special}; protocol tokens are not, so {@code decode(ids, true)} keeps task and box tokens
 * while dropping {@code <s>}, {@code </s>}, {@code <pad>}.
 */
public final class WorldTokenizerBuilder {
    /** Word-boundary marker used by the Metaspace pre-tokenizer. */
    public static final String SPACE = "\u2581";
    /** Control tokens, ids 0..4 in this order. */
    public static final List<String> CONTROL_TOKENS = List.of("<unk>", "<s>", "</s>", "<pad>", "<image>");
    /** Protocol tokens, ids following the control tokens in this order. */
    public static final List<String> PROTOCOL_TOKENS = List.of("<task_seg>", "<task_det>", "<task_edit>", "</task>",
            "<box>", "</box>", "<point>", "</point>", ",", "\n");

    private final List<String> texts = new ArrayList<>();

    private WorldTokenizerBuilder() {
    }

    /** A builder already holding every world phrasing, referring phrase and answer word. */
    public static WorldTokenizerBuilder forWorld() {
        WorldTokenizerBuilder b = new WorldTokenizerBuilder();
        b.texts.addAll(Phrasings.allTexts());
        return b;
    }

    /** Adds more texts whose words must be in the vocabulary (e.g. a prompt template's fixed words). */
    public WorldTokenizerBuilder addTexts(Collection<String> more) {
        texts.addAll(more);
        return this;
    }

    /** The vocabulary: token -> id, control tokens first, then protocol tokens, {@code ▁}, digits, the rest sorted. */
    public Map<String, Integer> vocabulary() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String t : CONTROL_TOKENS) {
            vocab.put(t, vocab.size());
        }
        for (String t : PROTOCOL_TOKENS) {
            vocab.put(t, vocab.size());
        }
        vocab.put(SPACE, vocab.size());
        for (char d = '0'; d <= '9'; d++) {
            vocab.put(String.valueOf(d), vocab.size());
        }
        TreeSet<String> words = new TreeSet<>();
        for (String text : texts) {
            words.addAll(pieces(text));
        }
        for (String w : words) {
            vocab.putIfAbsent(w, vocab.size());
        }
        return Collections.unmodifiableMap(vocab);
    }

    /**
     * The pieces the Hugging Face pre-tokenizer makes of {@code text} (added tokens removed first); mirrors
     * Metaspace + Punctuation(isolated) + Digits(individual) for building the vocabulary.
     */
    static List<String> pieces(String text) {
        String rest = text;
        for (String t : CONTROL_TOKENS) {
            rest = rest.replace(t, "\u0000");
        }
        for (String t : PROTOCOL_TOKENS) {
            rest = rest.replace(t, "\u0000");
        }
        List<String> out = new ArrayList<>();
        for (String section : rest.split("\u0000")) {
            StringBuilder word = new StringBuilder();
            for (char c : section.replace(" ", SPACE).toCharArray()) {
                if (c == SPACE.charAt(0)) {
                    flush(word, out);
                    word.append(c);
                } else if (Character.isDigit(c) || isPunctuation(c)) {
                    flush(word, out);
                    out.add(String.valueOf(c));
                } else {
                    word.append(c);
                }
            }
            flush(word, out);
        }
        return out;
    }

    private static void flush(StringBuilder word, List<String> out) {
        if (word.length() > 0) {
            out.add(word.toString());
            word.setLength(0);
        }
    }

    private static boolean isPunctuation(char c) {
        if (c < 128) {
            return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if needed). */
    public Path write(Path dir) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Integer> vocab = vocabulary();
        ObjectNode tok = json.createObjectNode();
        tok.put("version", "1.0");
        tok.putNull("truncation");
        tok.putNull("padding");
        ArrayNode added = tok.putArray("added_tokens");
        ObjectNode addedDecoder = json.createObjectNode();
        for (String t : CONTROL_TOKENS) {
            addedToken(added, addedDecoder, t, vocab.get(t), true);
        }
        for (String t : PROTOCOL_TOKENS) {
            addedToken(added, addedDecoder, t, vocab.get(t), false);
        }
        tok.putNull("normalizer");
        ObjectNode pre = tok.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode seq = pre.putArray("pretokenizers");
        metaspace(seq.addObject());
        seq.addObject().put("type", "Punctuation").put("behavior", "Isolated");
        seq.addObject().put("type", "Digits").put("individual_digits", true);
        tok.putNull("post_processor");
        metaspace(tok.putObject("decoder"));
        ObjectNode model = tok.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        model.put("unk_token", "<unk>");

        ObjectNode cfg = json.createObjectNode();
        cfg.put("tokenizer_class", "PreTrainedTokenizerFast");
        cfg.put("bos_token", "<s>");
        cfg.put("eos_token", "</s>");
        cfg.put("unk_token", "<unk>");
        cfg.put("pad_token", "<pad>");
        cfg.put("add_bos_token", false);
        cfg.put("add_eos_token", false);
        cfg.put("clean_up_tokenization_spaces", false);
        cfg.put("model_max_length", 512);
        ArrayNode extra = cfg.putArray("additional_special_tokens");
        PROTOCOL_TOKENS.stream().filter(t -> t.startsWith("<")).forEach(extra::add);
        extra.add("<image>");
        cfg.set("added_tokens_decoder", addedDecoder);
        try {
            Files.createDirectories(dir);
            json.writeValue(dir.resolve("tokenizer.json").toFile(), tok);
            json.writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tokenizer to " + dir, e);
        }
        return dir.resolve("tokenizer.json");
    }

    private static void metaspace(ObjectNode o) {
        o.put("type", "Metaspace").put("replacement", SPACE).put("prepend_scheme", "never").put("split", true);
    }

    private static void addedToken(ArrayNode added, ObjectNode decoder, String t, int id, boolean special) {
        ObjectNode a = added.addObject();
        a.put("id", id).put("content", t).put("single_word", false).put("lstrip", false).put("rstrip", false)
                .put("normalized", false).put("special", special);
        ObjectNode d = decoder.putObject(Integer.toString(id));
        d.put("content", t).put("single_word", false).put("lstrip", false).put("rstrip", false)
                .put("normalized", false).put("special", special);
    }
}
