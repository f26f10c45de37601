package io.unimllm.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json} + {@code tokenizer_config.json}) with unimllm's added
 * special tokens, backed by DJL's {@link HuggingFaceTokenizer} (the Rust {@code tokenizers} library).
 *
 * <h2>Special tokens and stable ids</h2>
 * {@link #withSpecialTokens(List)} adds tokens such as {@code <image>}, {@code <task_seg>}, {@code <box>}.
 * A token already in the vocabulary (an entry of {@code added_tokens} or of the model vocabulary) keeps its
 * id; each new token gets the next id after the largest id in use, in the order given. So for a
 * Llama-2 vocabulary of 32000 the first new token is 32000, the next 32001, and so on, the same ids that
 * Hugging Face's {@code tokenizer.add_tokens(...)} assigns. The ids therefore depend only on the
 * tokenizer files and the list, never on a hash order.
 *
 * <h2>Encoding</h2>
 * All added tokens, the file's own and the extra special ones, are registered in the native tokenizer (and
 * checked at load to encode to exactly their id), so {@link #encode(String, boolean)} lets the library split
 * the text on them (leftmost, longest match) and encode each piece of ordinary text between them with the
 * normaliser and pre-tokeniser, never with the post-processor (no BOS/EOS per piece). The result is exactly
 * Hugging Face's: with the "legacy" Llama/SentencePiece normaliser every piece gets the {@code "▁"} prefix
 * again ({@code "<image>\nUSER"} encodes as {@code <image>, "▁", "<0x0A>"} followed by the pieces of
 * {@code "USER"}), the tokenisation LLaVA was trained with; with a Metaspace pre-tokeniser whose
 * {@code prepend_scheme} is {@code "first"} only the very first piece gets it. The tokenizer's own special
 * strings ({@code "<s>"}, {@code "</s>"}, {@code "<|im_end|>"}) in such text become their control ids too, as in
 * Hugging Face: {@code encode(String)} is for text the application wrote (a template, a training answer).
 * BOS is prepended only when asked for and the tokenizer has one.
 *
 * <h2>User text: never control tokens</h2>
 * {@link #encode(PromptText, boolean)} encodes a prompt whose {@link PromptText.Markup markup} (the chat
 * template's syntax, see {@link ChatTemplate#renderPrompt}) is read as above while its
 * {@link PromptText.Literal literal} parts (what the user typed) never become special ids: a special-token string
 * there is split into ordinary pieces by the vocabulary, as Hugging Face does with {@code split_special_tokens=True}
 * ({@code "</s>"} becomes pieces such as {@code "</"}, {@code "s"}, {@code ">"}), and a piece that the vocabulary maps
 * to a special id (a word-level vocabulary that holds {@code "<image>"} as a word) becomes {@link #unkId()}.
 * {@link #encodeLiteral(String, boolean)} encodes text that is all literal. Where no special token of the markup
 * separates them, markup and literal text are encoded as one piece, so a prompt without special strings in its
 * literal parts gets exactly the ids of its {@link PromptText#text() text} under {@link #encode(String, boolean)}.
 * Added tokens that are not special (ordinary words a checkpoint added) are matched in literal text too. Special
 * tokens are matched in markup on the raw text (as with {@code "normalized": false}, the setting of nearly every
 * special token), honouring their {@code lstrip}, {@code rstrip} and {@code single_word} flags. To do this the
 * tokenizer holds a second native tokenizer: the same files, in which no special token matches.
 *
 * <h2>Checks at load</h2>
 * Two tokens sharing an id (two vocabulary entries, two added tokens, or an added token and a vocabulary entry of
 * another string) make the file a {@link TokenizerException}: such a file decodes one of them as the other.
 * {@link #requireFits(int)} checks the ids against a model's embedding table.
 *
 * <h2>Decoding</h2>
 * {@link #decode(int[], boolean)} runs the tokenizer's own decoder over the whole id sequence (added
 * tokens are rendered verbatim unless skipped), so the SentencePiece rule "strip only the very first
 * leading space" and byte-fallback tokens behave as in Hugging Face.
 *
 * <p>Instances are immutable and thread-safe; {@link #close()} frees the native tokenizer.
 */
public final class UnimllmTokenizer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A special token of the literal tokenizer only, put before a piece of literal text that does not start the
     * prompt so that the native library treats it as a later piece (a Metaspace {@code prepend_scheme} of
     * {@code "first"} prefixes only the piece at offset 0); its id is dropped again.
     */
    private static final String SENTINEL = "\uE000unimllm:literal\uE000";
    /** How many offending tokens an error message lists. */
    private static final int LISTED = 5;

    private final TokenizerFiles files;
    private final String source;
    private final HuggingFaceTokenizer hf;
    /** The same files in which no special token matches, with {@link #SENTINEL}: encodes literal text. */
    private final HuggingFaceTokenizer literal;
    private final int sentinelId;
    private final SpecialTokenMatcher specialMatcher;
    private final OptionalInt unkId;
    private final String[] idToToken;
    private final Map<String, Integer> tokenToId;
    private final List<AddedToken> addedTokens;
    private final BitSet specialIds;
    private final OptionalInt bosId;
    private final boolean addBosByDefault;
    private final List<Integer> eosIds;

    /** Builds the tokenizer from what was read, adding {@code extraSpecial} (see {@link #withSpecialTokens}). */
    private UnimllmTokenizer(TokenizerFiles files, List<String> extraSpecial) {
        this.files = files;
        this.source = files.source();
        ObjectNode root = parseTokenizerJson(files.tokenizerJson(), source);

        Map<String, Integer> vocab = readModelVocab(root, source);
        List<AddedToken> added = readAddedTokens(root, source);
        checkUniqueIds(vocab, added, source);
        int maxId = -1;
        for (int id : vocab.values()) {
            maxId = Math.max(maxId, id);
        }
        for (AddedToken t : added) {
            maxId = Math.max(maxId, t.id());
        }

        // Merge the requested special tokens: existing ones keep their id (and become special), new ones
        // get max+1, max+2, ... in list order; duplicates in the list are ignored.
        Map<String, AddedToken> addedByContent = new HashMap<>();
        List<AddedToken> all = new ArrayList<>(added);
        for (AddedToken t : added) {
            addedByContent.put(t.content(), t);
        }
        ArrayNode addedJson = root.withArray("added_tokens");
        for (String token : new LinkedHashSet<>(extraSpecial)) {
            if (token == null || token.isEmpty()) {
                throw new TokenizerException("special token must be a non-empty string, got "
                        + (token == null ? "null" : "\"\"") + " (tokenizer at " + source + ")");
            }
            AddedToken existing = addedByContent.get(token);
            if (existing != null) {
                if (!existing.special()) {
                    AddedToken promoted = new AddedToken(token, existing.id(), true);
                    all.set(all.indexOf(existing), promoted);
                    addedByContent.put(token, promoted);
                    markSpecial(addedJson, token);
                }
                continue;
            }
            Integer vocabId = vocab.get(token);
            int id = vocabId != null ? vocabId : ++maxId;
            AddedToken t = new AddedToken(token, id, true);
            all.add(t);
            addedByContent.put(token, t);
            addedJson.add(addedTokenJson(t));
        }
        all.sort((a, b) -> Integer.compare(a.id(), b.id()));
        this.addedTokens = List.copyOf(all);

        int size = maxId + 1;
        this.idToToken = new String[size];
        this.tokenToId = new HashMap<>(vocab);
        vocab.forEach((tok, id) -> idToToken[id] = tok);
        this.specialIds = new BitSet(size);
        for (AddedToken t : addedTokens) {
            idToToken[t.id()] = t.content();
            tokenToId.put(t.content(), t.id());
            if (t.special()) {
                specialIds.set(t.id());
            }
        }

        JsonNode config = files.config();
        this.bosId = configTokenId(config, "bos_token");
        JsonNode addBos = config.get("add_bos_token");
        this.addBosByDefault = addBos != null && addBos.asBoolean(false);
        OptionalInt eos = configTokenId(config, "eos_token");
        LinkedHashSet<Integer> eosSet = new LinkedHashSet<>();
        eos.ifPresent(eosSet::add);
        for (int id : files.generationEos()) {
            if (id >= 0 && id < idToToken.length && idToToken[id] != null) {
                eosSet.add(id);
            }
        }
        this.eosIds = List.copyOf(eosSet);

        this.unkId = unkId(root, config);
        this.specialMatcher = new SpecialTokenMatcher(specialRules(addedJson));
        this.hf = newNativeTokenizer(root, source);
        HuggingFaceTokenizer lit = null;
        try {
            verifyAddedTokenIds();
            lit = newNativeTokenizer(literalJson(root, addedJson, vocab, size), source);
            long[] sentinel = lit.encode(SENTINEL, false, false).getIds();
            if (sentinel.length != 1 || sentinel[0] < size) {
                throw new TokenizerException("the tokenizers library does not split off the literal-text sentinel as "
                        + "an id beyond the vocabulary (got " + Arrays.toString(sentinel) + ", " + source + ")");
            }
            this.sentinelId = Math.toIntExact(sentinel[0]);
            for (AddedToken t : addedTokens) {
                long[] ids = t.special() ? null : lit.encode(t.content(), false, false).getIds();
                if (ids != null && (ids.length != 1 || ids[0] != t.id())) {
                    throw new TokenizerException("added token '" + t.content() + "' should encode to id " + t.id()
                            + " in literal text but gives " + Arrays.toString(ids) + " (" + source + ")");
                }
            }
        } catch (RuntimeException e) {
            hf.close();
            if (lit != null) {
                lit.close();
            }
            throw e;
        }
        this.literal = lit;
    }

    /**
     * Loads {@code tokenizer.json} and, if present, {@code tokenizer_config.json} and
     * {@code generation_config.json} (for its {@code eos_token_id}) from a checkpoint directory.
     *
     * @param checkpointDir directory holding the tokenizer files
     * @return the tokenizer, without extra special tokens
     * @throws TokenizerException if {@code tokenizer.json} is missing or corrupt, or the config is corrupt
     */
    public static UnimllmTokenizer load(Path checkpointDir) {
        return load(checkpointDir, List.of());
    }

    /**
     * Loads the tokenizer files of a checkpoint directory and adds special tokens with stable ids (see
     * {@link #withSpecialTokens(List)}).
     *
     * @param checkpointDir directory holding {@code tokenizer.json} (and optionally {@code tokenizer_config.json})
     * @param specialTokens tokens to add, in id order for the new ones
     * @return the tokenizer
     * @throws TokenizerException if a file is missing or corrupt or a token is empty
     */
    public static UnimllmTokenizer load(Path checkpointDir, List<String> specialTokens) {
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Objects.requireNonNull(specialTokens, "specialTokens");
        return new UnimllmTokenizer(TokenizerFiles.read(checkpointDir), specialTokens);
    }

    /**
     * Returns a new tokenizer with these special tokens added on top of the ones this one already has.
     * Tokens already in the vocabulary keep their id (and count as special from then on); new tokens get
     * ids {@code vocabSize(), vocabSize() + 1, ...} in the order given; repeated tokens are ignored.
     * This tokenizer stays open and usable; close both.
     *
     * @param specialTokens tokens such as {@code "<image>"}, {@code "<task_seg>"}
     * @return a new tokenizer
     * @throws TokenizerException if a token is empty
     */
    public UnimllmTokenizer withSpecialTokens(List<String> specialTokens) {
        Objects.requireNonNull(specialTokens, "specialTokens");
        List<String> merged = new ArrayList<>();
        for (AddedToken t : addedTokens) {
            if (t.special()) {
                merged.add(t.content());
            }
        }
        merged.addAll(specialTokens);
        // Rebuild from the original files so that the native tokenizer is fresh and independently closable.
        return new UnimllmTokenizer(files, merged);
    }

    /**
     * Encodes text; every added token string in it (for example {@code "<image>"}) becomes exactly one id.
     *
     * @param text the text
     * @param addBos whether to prepend the BOS id (ignored if the tokenizer has no BOS token)
     * @return token ids
     */
    public int[] encode(String text, boolean addBos) {
        Objects.requireNonNull(text, "text");
        IntList out = new IntList(text.length() / 3 + 2);
        if (addBos && bosId.isPresent()) {
            out.add(bosId.getAsInt());
        }
        // Every added token is registered in the native tokenizer (checked at load), so the library itself
        // splits the text on them exactly as Hugging Face does, honouring each file's prepend scheme.
        for (long id : hf.encode(text, false, false).getIds()) {
            out.add(Math.toIntExact(id));
        }
        return out.toArray();
    }

    /**
     * Encodes text, prepending BOS if {@code tokenizer_config.json} says {@code "add_bos_token": true}.
     *
     * @param text the text
     * @return token ids
     */
    public int[] encode(String text) {
        return encode(text, addBosByDefault);
    }

    /**
     * Encodes a prompt whose markup may place special tokens while its literal text never does (see the class
     * comment): the way to encode a chat prompt around what a user typed.
     *
     * @param prompt the prompt, for example from {@link ChatTemplate#renderPrompt(List, boolean)}
     * @param addBos whether to prepend the BOS id (ignored if the tokenizer has no BOS token)
     * @return token ids, special ids only where the markup has special-token strings
     * @throws TokenizerException if a literal piece encodes to a special id and the tokenizer has no unk token to
     *     stand for it
     */
    public int[] encode(PromptText prompt, boolean addBos) {
        Objects.requireNonNull(prompt, "prompt");
        StringBuilder sb = new StringBuilder();
        BitSet markup = new BitSet();
        for (PromptText.Part part : prompt.parts()) {
            if (part instanceof PromptText.Markup) {
                markup.set(sb.length(), sb.length() + part.content().length());
            }
            sb.append(part.content());
        }
        String text = sb.toString();
        IntList out = new IntList(text.length() / 3 + 2);
        if (addBos && bosId.isPresent()) {
            out.add(bosId.getAsInt());
        }
        int textStart = 0;
        SpecialTokenMatcher.Match m;
        while ((m = specialMatcher.next(text, markup, textStart, textStart)) != null) {
            encodeLiteralPiece(text.substring(textStart, m.start()), textStart, out);
            out.add(m.rule().id());
            textStart = m.end();
        }
        encodeLiteralPiece(text.substring(textStart), textStart, out);
        return out.toArray();
    }

    /**
     * Encodes text in which nothing is a control token, such as a user's message on its own: the same as
     * {@link #encode(PromptText, boolean)} of {@link PromptText#literal(String)}.
     *
     * @param text the text
     * @param addBos whether to prepend the BOS id (ignored if the tokenizer has no BOS token)
     * @return token ids, none of them special except {@link #unkId()} and the BOS asked for
     * @throws TokenizerException if a piece encodes to a special id and the tokenizer has no unk token
     */
    public int[] encodeLiteral(String text, boolean addBos) {
        return encode(PromptText.literal(Objects.requireNonNull(text, "text")), addBos);
    }

    /** Encodes ordinary text that starts at {@code offset} of the prompt, without its special tokens. */
    private void encodeLiteralPiece(String piece, int offset, IntList out) {
        if (piece.isEmpty()) {
            return;
        }
        // The piece at offset 0 is the prompt's first; any later one is marked as later by the sentinel before it.
        long[] ids = literal.encode(offset == 0 ? piece : SENTINEL + piece, false, false).getIds();
        int from = offset == 0 ? 0 : 1;
        if (from == 1 && (ids.length == 0 || ids[0] != sentinelId)) {
            throw new IllegalStateException("the literal tokenizer did not split off its sentinel (" + source + ")");
        }
        for (int k = from; k < ids.length; k++) {
            int id = Math.toIntExact(ids[k]);
            boolean known = id >= 0 && id < idToToken.length && idToToken[id] != null;
            if (!known || (isSpecial(id) && (unkId.isEmpty() || id != unkId.getAsInt()))) {
                // the vocabulary maps ordinary text to a control id (or the text held a hidden token's stand-in)
                if (unkId.isEmpty()) {
                    throw new TokenizerException("the text '" + piece + "' encodes to the special token "
                            + (known ? "'" + idToToken[id] + "' (id " + id + ")" : "of id " + id)
                            + " and the tokenizer at " + source + " has no unk token to stand for it");
                }
                id = unkId.getAsInt();
            }
            out.add(id);
        }
    }

    /**
     * Decodes ids with the tokenizer's decoder over the whole sequence.
     *
     * @param ids token ids
     * @param skipSpecial whether special tokens are left out; otherwise they appear verbatim
     * @return the text
     * @throws TokenizerException if an id is outside {@code [0, vocabSize())}
     */
    public String decode(int[] ids, boolean skipSpecial) {
        Objects.requireNonNull(ids, "ids");
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            checkId(ids[i], i);
            longs[i] = ids[i];
        }
        return hf.decode(longs, skipSpecial);
    }

    /**
     * Looks up the id of a token string, for callers that require the token to exist.
     *
     * @param token an exact token string ({@code "<image>"}, or a vocabulary piece such as {@code "▁the"})
     * @return its id
     * @throws UnknownTokenException if it is not in the vocabulary
     */
    public int tokenId(String token) {
        Integer id = tokenToId.get(Objects.requireNonNull(token, "token"));
        if (id == null) {
            throw new UnknownTokenException(token, source);
        }
        return id;
    }

    /**
     * Looks up the id of a token string that may be absent.
     *
     * @param token an exact token string
     * @return its id, or empty if it is not in the vocabulary
     */
    public OptionalInt find(String token) {
        Integer id = tokenToId.get(Objects.requireNonNull(token, "token"));
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * Looks up the string of an id, without running the decoder.
     *
     * @param id a token id
     * @return the raw vocabulary string of the id (for example {@code "▁the"}, {@code "<0x0A>"},
     *     {@code "Ġthe"} for byte-level vocabularies, or an added token's content)
     * @throws TokenizerException if the id is out of range or unused
     */
    public String token(int id) {
        checkId(id, -1);
        return idToToken[id];
    }

    /**
     * Tells control tokens from text tokens.
     *
     * @param id a token id
     * @return whether it is a special token (a special entry of {@code added_tokens}, or one added with
     *     {@link #withSpecialTokens(List)}); false for ids outside the vocabulary
     */
    public boolean isSpecial(int id) {
        return id >= 0 && specialIds.get(id);
    }

    /**
     * The size of the id space, which the model's embedding table must cover.
     *
     * @return the number of ids, including added tokens (largest id + 1)
     */
    public int vocabSize() {
        return idToToken.length;
    }

    /**
     * Checks that a model can embed every token of this tokenizer: the check to run when a model and a tokenizer
     * are put together, so that a word the model has no embedding for fails at load and not when someone types it.
     *
     * @param modelVocabSize the rows of the model's embedding table ({@code vocab_size} of its config.json)
     * @throws TokenizerException naming the tokens (the first five) whose ids are {@code >= modelVocabSize}
     * @throws IllegalArgumentException if {@code modelVocabSize} is not positive
     */
    public void requireFits(int modelVocabSize) {
        if (modelVocabSize <= 0) {
            throw new IllegalArgumentException("modelVocabSize must be positive, got " + modelVocabSize);
        }
        List<String> beyond = new ArrayList<>();
        int count = 0;
        for (int id = modelVocabSize; id < idToToken.length; id++) {
            if (idToToken[id] != null) {
                if (count++ < LISTED) {
                    beyond.add("'" + idToToken[id] + "' (id " + id + ")");
                }
            }
        }
        if (count > 0) {
            throw new TokenizerException("the tokenizer at " + source + " has " + count + " token(s) with ids beyond "
                    + "the model's vocabulary of " + modelVocabSize + ", which has no embedding for them: "
                    + String.join(", ", beyond) + (count > LISTED ? ", ..." : ""));
        }
    }

    /**
     * The token that stands for text the vocabulary cannot spell.
     *
     * @return the id of the model's {@code unk_token} (or {@code unk_id}), else of {@code tokenizer_config.json}'s
     *     {@code unk_token}, if it is in the vocabulary
     */
    public OptionalInt unkId() {
        return unkId;
    }

    /**
     * The beginning-of-sequence token that {@link #encode(String, boolean)} prepends when asked to.
     *
     * @return the BOS id, if {@code tokenizer_config.json} names a BOS token that is in the vocabulary
     */
    public OptionalInt bosId() {
        return bosId;
    }

    /**
     * Whether {@link #encode(String)} prepends BOS.
     *
     * @return whether {@code tokenizer_config.json} asks for BOS by default ({@code add_bos_token})
     */
    public boolean addsBosByDefault() {
        return addBosByDefault;
    }

    /**
     * The end-of-sequence ids, any of which stops generation.
     *
     * @return the ids that end generation: the {@code eos_token} of {@code tokenizer_config.json}, then the
     *     {@code eos_token_id}s of an optional {@code generation_config.json} (Qwen lists both
     *     {@code <|im_end|>} and {@code <|endoftext|>} there), without repeats; empty if none is named
     */
    public List<Integer> eosIds() {
        return eosIds;
    }

    /**
     * The tokens matched verbatim in text.
     *
     * @return every added token (those of {@code tokenizer.json} and the extra special ones), by id
     */
    public List<AddedToken> addedTokens() {
        return addedTokens;
    }

    /**
     * The checkpoint's own chat template, for example to pick a {@link ChatTemplate} with
     * {@link ChatTemplate#detect(String)}.
     *
     * @return the raw Jinja {@code chat_template} of {@code tokenizer_config.json} (a string, or the template
     *     named {@code default} of the list form), if any
     */
    public Optional<String> chatTemplateSource() {
        return files.chatTemplate();
    }

    /**
     * A detokenizer for one generation stream.
     *
     * @return a new streaming detokenizer over this tokenizer that renders special tokens verbatim
     */
    public StreamingDetokenizer streamingDetokenizer() {
        return new StreamingDetokenizer(this, false);
    }

    /** Frees the native tokenizers. */
    @Override
    public void close() {
        hf.close();
        literal.close();
    }

    @Override
    public String toString() {
        return "UnimllmTokenizer[" + source + ", vocabSize=" + vocabSize() + "]";
    }

    private void checkId(int id, int position) {
        if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
            throw new TokenizerException("token id " + id + (position >= 0 ? " at position " + position : "")
                    + " is not in the vocabulary (size " + idToToken.length + ") of the tokenizer at " + source);
        }
    }

    private void verifyAddedTokenIds() {
        // The native library assigns ids to added tokens itself; make sure it agrees with ours.
        for (AddedToken t : addedTokens) {
            long[] ids = hf.encode(t.content(), false, false).getIds();
            if (ids.length != 1 || ids[0] != t.id()) {
                throw new TokenizerException("added token '" + t.content() + "' should encode to id " + t.id()
                        + " but the native tokenizer gives " + Arrays.toString(ids) + " (" + source + ")");
            }
        }
    }

    /** Refuses files in which two tokens share an id, naming the first few. */
    private static void checkUniqueIds(Map<String, Integer> vocab, List<AddedToken> added, String source) {
        Map<Integer, String> byId = new HashMap<>();
        List<String> clashes = new ArrayList<>();
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String other = byId.putIfAbsent(e.getValue(), e.getKey());
            if (other != null) {
                clashes.add("vocabulary entries '" + other + "' and '" + e.getKey() + "' both have id " + e.getValue());
            }
        }
        Map<String, Integer> addedIds = new HashMap<>();
        for (AddedToken t : added) {
            Integer vocabId = vocab.get(t.content());
            Integer earlier = addedIds.putIfAbsent(t.content(), t.id());
            String holder = byId.get(t.id());
            if (vocabId != null && vocabId != t.id()) {
                clashes.add("added token '" + t.content() + "' has id " + t.id() + " but the vocabulary gives it "
                        + vocabId);
            } else if (earlier != null && earlier != t.id()) {
                clashes.add("added token '" + t.content() + "' is listed with ids " + earlier + " and " + t.id());
            } else if (holder != null && !holder.equals(t.content())) {
                clashes.add("added token '" + t.content() + "' has id " + t.id() + ", the id of '" + holder + "'");
            }
            byId.putIfAbsent(t.id(), t.content());
        }
        if (!clashes.isEmpty()) {
            clashes.sort(null);
            throw new TokenizerException("corrupt " + source + ": " + clashes.size() + " clash(es) of token ids: "
                    + String.join("; ", clashes.subList(0, Math.min(LISTED, clashes.size())))
                    + (clashes.size() > LISTED ? "; ..." : ""));
        }
    }

    /** The rules of the special entries of the (merged) {@code added_tokens}. */
    private static List<SpecialTokenMatcher.Rule> specialRules(ArrayNode addedJson) {
        List<SpecialTokenMatcher.Rule> rules = new ArrayList<>();
        for (JsonNode n : addedJson) {
            if (n.path("special").asBoolean(false)) {
                rules.add(new SpecialTokenMatcher.Rule(n.get("content").asText(), n.get("id").asInt(),
                        n.path("lstrip").asBoolean(false), n.path("rstrip").asBoolean(false),
                        n.path("single_word").asBoolean(false)));
            }
        }
        return rules;
    }

    /**
     * The tokenizer of literal text: the same file in which no special token can match. The native library numbers
     * added tokens by their position (a token of the model vocabulary keeps its vocabulary id, every other one takes
     * the next id), so to keep every id a special token outside the vocabulary stays in place under a content no text
     * holds ({@code \uE000unimllm:<id>\uE001}; should a user type one, the id it gives is special and replaced),
     * one inside the vocabulary is dropped, and the sentinel comes last.
     */
    private static ObjectNode literalJson(ObjectNode root, ArrayNode addedJson, Map<String, Integer> vocab,
            int size) {
        ObjectNode lit = JSON.createObjectNode();
        lit.setAll(root);
        ArrayNode added = lit.putArray("added_tokens");
        for (JsonNode n : addedJson) {
            if (!n.path("special").asBoolean(false)) {
                added.add(n);
            } else if (!vocab.containsKey(n.path("content").asText())) {
                ObjectNode hidden = ((ObjectNode) n).deepCopy();
                hidden.put("content", "\uE000unimllm:" + n.path("id").asInt() + "\uE001");
                hidden.put("lstrip", false);
                hidden.put("rstrip", false);
                hidden.put("single_word", false);
                hidden.put("normalized", false);
                added.add(hidden);
            }
        }
        added.add(addedTokenJson(new AddedToken(SENTINEL, size, true)));
        return lit;
    }

    /** The unk token of the model ({@code unk_token} or the Unigram {@code unk_id}), else of the config. */
    private OptionalInt unkId(JsonNode root, JsonNode config) {
        JsonNode model = root.path("model");
        if (model.path("unk_token").isTextual() && tokenToId.containsKey(model.get("unk_token").asText())) {
            return OptionalInt.of(tokenToId.get(model.get("unk_token").asText()));
        }
        JsonNode unigram = model.path("unk_id");
        if (unigram.canConvertToInt() && unigram.asInt() >= 0 && unigram.asInt() < idToToken.length
                && idToToken[unigram.asInt()] != null) {
            return OptionalInt.of(unigram.asInt());
        }
        return configTokenId(config, "unk_token");
    }

    private static ObjectNode parseTokenizerJson(byte[] bytes, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new TokenizerException("corrupt " + source + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject() || !root.path("model").isObject()) {
            throw new TokenizerException("corrupt " + source + ": expected a JSON object with a \"model\" object");
        }
        return (ObjectNode) root;
    }

    private static Map<String, Integer> readModelVocab(JsonNode root, String source) {
        JsonNode vocab = root.path("model").path("vocab");
        Map<String, Integer> out = new HashMap<>();
        if (vocab.isObject()) { // BPE, WordPiece, WordLevel: {"token": id}
            Iterator<Map.Entry<String, JsonNode>> it = vocab.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                    throw new TokenizerException("corrupt " + source + ": vocab entry '" + e.getKey()
                            + "' has id " + e.getValue() + ", expected a non-negative integer");
                }
                out.put(e.getKey(), e.getValue().asInt());
            }
        } else if (vocab.isArray()) { // Unigram: [["piece", score], ...], the index is the id
            for (int i = 0; i < vocab.size(); i++) {
                JsonNode entry = vocab.get(i);
                if (!entry.isArray() || entry.size() < 1 || !entry.get(0).isTextual()) {
                    throw new TokenizerException("corrupt " + source + ": unigram vocab entry " + i
                            + " is not [piece, score]");
                }
                out.putIfAbsent(entry.get(0).asText(), i);
            }
        } else {
            throw new TokenizerException("corrupt " + source + ": model.vocab is missing");
        }
        return out;
    }

    private static List<AddedToken> readAddedTokens(JsonNode root, String source) {
        JsonNode arr = root.path("added_tokens");
        if (arr.isMissingNode() || arr.isNull()) {
            return new ArrayList<>();
        }
        if (!arr.isArray()) {
            throw new TokenizerException("corrupt " + source + ": added_tokens is not an array");
        }
        List<AddedToken> out = new ArrayList<>();
        for (JsonNode t : arr) {
            if (!t.path("content").isTextual() || !t.path("id").canConvertToInt()) {
                throw new TokenizerException("corrupt " + source + ": added token " + t + " lacks content/id");
            }
            out.add(new AddedToken(t.get("content").asText(), t.get("id").asInt(), t.path("special").asBoolean(false)));
        }
        return out;
    }

    private static ObjectNode addedTokenJson(AddedToken t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", t.id());
        n.put("content", t.content());
        n.put("single_word", false);
        n.put("lstrip", false);
        n.put("rstrip", false);
        n.put("normalized", false);
        n.put("special", t.special());
        return n;
    }

    private static void markSpecial(ArrayNode addedJson, String content) {
        for (JsonNode n : addedJson) {
            if (content.equals(n.path("content").asText())) {
                ((ObjectNode) n).put("special", true);
            }
        }
    }

    private static HuggingFaceTokenizer newNativeTokenizer(ObjectNode root, String source) {
        try {
            byte[] json = JSON.writeValueAsBytes(root);
            // No truncation or padding: the runtime decides about context length, not the tokenizer.
            Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
                    "padding", "false");
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException("corrupt " + source + ": the tokenizers library rejected it ("
                    + e.getMessage() + ")", e);
        }
    }

    private OptionalInt configTokenId(JsonNode cfg, String key) {
        JsonNode n = cfg.get(key);
        String content = null;
        if (n != null && n.isTextual()) {
            content = n.asText();
        } else if (n != null && n.isObject() && n.path("content").isTextual()) {
            content = n.get("content").asText(); // {"__type": "AddedToken", "content": "<s>", ...}
        }
        if (content == null) {
            return OptionalInt.empty();
        }
        Integer id = tokenToId.get(content);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Minimal growable int array (avoids boxing on the encode path). */
    private static final class IntList {
        private int[] data;
        private int size;

        IntList(int capacity) {
            data = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    /**
     * Encodes a piece of text that holds no added token, without BOS/EOS (used by tests as the building
     * block of an independent split-and-splice reference).
     */
    int[] encodePiece(String piece) {
        return Arrays.stream(hf.encode(piece, false, false).getIds()).mapToInt(Math::toIntExact).toArray();
    }

}
