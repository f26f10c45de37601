package io.unimllm.shapes.world;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a Hugging Face {@code tokenizer.json} (WordLevel model) covering every word of the synthetic world, so the
 * small model the project trains uses a real tokenizer file through the same code path as any checkpoint. Special
 * tokens are added tokens (one id each); the pre-tokenizer splits on whitespace, isolates punctuation and splits
 * numbers into single digits, so a box {@code 120,80,...} costs one token per digit and comma.
 */
public final class WorldTokenizer {
    /** Control tokens, ids 0..3. */
    public static final List<String> CONTROL = List.of("<pad>", "<s>", "</s>", "<unk>");
    /** The image placeholder and the protocol's task and grounding tokens. */
    public static final List<String> PROTOCOL = List.of("<image>", "<task_seg>", "<task_det>", "<task_edit>",
            "</task>", "<box>", "</box>", "<point>", "</point>");

    private WorldTokenizer() {
    }

    /**
     * Every plain word the world's prompts and answers use.
     *
     * @return the words, in a stable order (their order in the vocabulary)
     */
    public static List<String> words() {
        Set<String> words = new LinkedHashSet<>(List.of("USER", ":", "ASSISTANT", ",", "?", "yes", "no", "remove",
                "large", "small"));
        for (int d = 0; d <= 9; d++) {
            words.add(Integer.toString(d));
        }
        for (Palette p : Palette.values()) {
            words.add(p.word());
        }
        for (ShapeKind k : ShapeKind.values()) {
            words.add(k.word());
            words.add(k.plural());
        }
        for (Map<Phrasings.Task, List<String>> m : List.of(Phrasings.TRAIN, Phrasings.TEST)) {
            for (Phrasings.Task t : Phrasings.Task.values()) {
                for (String phrase : m.get(t)) {
                    for (String w : phrase.split("\\s+")) {
                        if (!w.startsWith("{")) {
                            words.add(w);
                        }
                    }
                }
            }
        }
        words.addAll(Phrasings.FILLER_WORDS);
        return new ArrayList<>(words);
    }

    /**
     * Writes tokenizer.json and tokenizer_config.json into {@code dir}.
     *
     * @param dir an existing directory
     * @return the vocabulary size
     * @throws UncheckedIOException when a file cannot be written
     */
    public static int write(Path dir) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = json.createObjectNode();
        int id = 0;
        List<String> specials = new ArrayList<>(CONTROL);
        specials.addAll(PROTOCOL);
        for (String s : specials) {
            ObjectNode t = added.addObject();
            t.put("id", id);
            t.put("content", s);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            vocab.put(s, id++);
        }
        for (String w : words()) {
            vocab.put(w, id++);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        steps.addObject().put("type", "WhitespaceSplit");
        ObjectNode punct = steps.addObject();
        punct.put("type", "Punctuation");
        punct.put("behavior", "Isolated");
        ObjectNode digits = steps.addObject();
        digits.put("type", "Digits");
        digits.put("individual_digits", true);
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        model.set("vocab", vocab);
        model.put("unk_token", "<unk>");
        ObjectNode config = json.createObjectNode();
        config.put("bos_token", "<s>");
        config.put("eos_token", "</s>");
        config.put("unk_token", "<unk>");
        config.put("pad_token", "<pad>");
        config.put("add_bos_token", true);
        config.put("model_max_length", 512);
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        try {
            json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer.json").toFile(), root);
            json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return id;
    }
}
