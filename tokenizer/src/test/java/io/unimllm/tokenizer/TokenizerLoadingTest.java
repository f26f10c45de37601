package io.unimllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading rules and errors, on a tiny word-level fixture (no download needed). */
class TokenizerLoadingTest {
    @TempDir
    Path tmp;

    static Path tiny() throws URISyntaxException {
        return Paths.get(TokenizerLoadingTest.class.getResource("/tokenizers/tiny-wordlevel/tokenizer.json").toURI())
                .getParent();
    }

    @Test
    void tokenizerConfigIsOptional() throws Exception {
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(tiny(), List.of("<task_det>", "hello", "<box>"))) {
            assertThat(tok.bosId()).isEmpty();
            assertThat(tok.eosIds()).isEmpty();
            assertThat(tok.chatTemplateSource()).isEmpty();
            assertThat(tok.tokenId("hello")).as("a vocabulary word keeps its id").isEqualTo(1);
            assertThat(tok.tokenId("<task_det>")).isEqualTo(5);
            assertThat(tok.tokenId("<box>")).isEqualTo(6);
            assertThat(tok.isSpecial(1)).isTrue();
            assertThat(tok.encode("red<task_det>circle<box>", true)).containsExactly(3, 5, 4, 6);
        }
    }

    @Test
    void readsBosEosAndAddBosFromTheConfigIncludingObjectForm() throws Exception {
        Files.copy(tiny().resolve("tokenizer.json"), tmp.resolve("tokenizer.json"));
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"add_bos_token\": true,"
                + " \"bos_token\": {\"__type\": \"AddedToken\", \"content\": \"<s>\"}, \"eos_token\": \"</s>\","
                + " \"chat_template\": [{\"name\": \"default\", \"template\": \"{{ '[INST]' }}\"}]}");
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(tmp, List.of("<s>", "</s>"))) {
            assertThat(tok.bosId()).hasValue(5);
            assertThat(tok.eosIds()).containsExactly(6);
            assertThat(tok.encode("hello world")).containsExactly(5, 1, 2);
            assertThat(tok.chatTemplateSource()).hasValue("{{ '[INST]' }}");
        }
    }

    @Test
    void metaspaceWithPrependSchemeFirstPrefixesOnlyTheFirstPieceLikeHuggingFace() throws Exception {
        Path dir = tiny().resolveSibling("tiny-metaspace-first");
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(dir, List.of("<x>"))) {
            // "a" at the start is "▁a"; after <x> there is no prefix: plain "a" (per-piece encoding would give "▁a")
            assertThat(tok.encode("a<x>a b", false)).containsExactly(4, 6, 2, 5);
            assertThat(AddedTokenSplitter.spliceEncode(tok, "a<x>a b")).containsExactly(4, 6, 4, 5);
            assertThat(tok.decode(new int[] {4, 6, 2, 5}, false)).isEqualTo("a<x>a b");
        }
    }

    @Test
    void eosIdsAlsoComeFromGenerationConfig() throws Exception {
        Files.copy(tiny().resolve("tokenizer.json"), tmp.resolve("tokenizer.json"));
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        Files.writeString(tmp.resolve("generation_config.json"), "{\"eos_token_id\": [6, 2, 99]}");
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(tmp, List.of("<s>", "</s>"))) {
            assertThat(tok.eosIds()).as("config eos first, no repeats, ids outside the vocabulary dropped")
                    .containsExactly(6, 2);
        }
        Files.writeString(tmp.resolve("generation_config.json"), "{\"eos_token_id\": [\"x\"]}");
        assertThatThrownBy(() -> UnimllmTokenizer.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("generation_config.json");
    }

    @Test
    void missingTokenizerJsonNamesTheFile() {
        assertThatThrownBy(() -> UnimllmTokenizer.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("missing tokenizer.json").hasMessageContaining(tmp.toString());
    }

    @Test
    void corruptTokenizerJsonNamesTheFile() throws IOException {
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": ");
        assertThatThrownBy(() -> UnimllmTokenizer.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("corrupt").hasMessageContaining(tmp.resolve("tokenizer.json").toString());
        Files.writeString(tmp.resolve("tokenizer.json"), "[1, 2]");
        assertThatThrownBy(() -> UnimllmTokenizer.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("\"model\"");
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"NoSuchModel\", \"vocab\": {\"a\": 0}}}");
        assertThatThrownBy(() -> UnimllmTokenizer.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("rejected");
    }

    @Test
    void corruptTokenizerConfigNamesTheFile() throws Exception {
        Files.copy(tiny().resolve("tokenizer.json"), tmp.resolve("tokenizer.json"));
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{oops");
        assertThatThrownBy(() -> UnimllmTokenizer.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("tokenizer_config.json");
    }

    private void writeWordLevel(String addedTokens, String vocab) throws IOException {
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"added_tokens\": [" + addedTokens + "],"
                + " \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"model\": {\"type\": \"WordLevel\","
                + " \"vocab\": {" + vocab + "}, \"unk_token\": \"[UNK]\"}}");
    }

    private static String added(int id, String content) {
        return "{\"id\": " + id + ", \"content\": \"" + content + "\", \"special\": true, \"normalized\": false,"
                + " \"single_word\": false, \"lstrip\": false, \"rstrip\": false}";
    }

    @Test
    void twoTokensWithOneIdAreRefusedNamingBoth() throws IOException {
        writeWordLevel(added(0, "[UNK]"), "\"[UNK]\": 0, \"red\": 1, \"blue\": 1, \"circle\": 2");
        assertThatThrownBy(() -> UnimllmTokenizer.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining(tmp.resolve("tokenizer.json").toString())
                .hasMessageContaining("both have id 1").hasMessageContaining("'red'").hasMessageContaining("'blue'");

        writeWordLevel(added(0, "[UNK]") + ", " + added(3, "<image>") + ", " + added(3, "<box>"),
                "\"[UNK]\": 0, \"red\": 1, \"circle\": 2");
        assertThatThrownBy(() -> UnimllmTokenizer.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("added token '<box>' has id 3, the id of '<image>'");

        writeWordLevel(added(0, "[UNK]") + ", " + added(2, "<image>"), "\"[UNK]\": 0, \"red\": 1, \"circle\": 2");
        assertThatThrownBy(() -> UnimllmTokenizer.load(tmp)).as("an added token on a vocabulary word's id")
                .isInstanceOf(TokenizerException.class).hasMessageContaining("added token '<image>' has id 2, the id "
                        + "of 'circle'");

        writeWordLevel(added(0, "[UNK]") + ", " + added(5, "red"), "\"[UNK]\": 0, \"red\": 1, \"circle\": 2");
        assertThatThrownBy(() -> UnimllmTokenizer.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("added token 'red' has id 5 but the vocabulary gives it 1");
    }

    @Test
    void manyClashesAreListedFiveAtATime() throws IOException {
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0");
        for (int i = 0; i < 8; i++) {
            vocab.append(", \"w").append(i).append("\": 1");
        }
        writeWordLevel(added(0, "[UNK]"), vocab.toString());
        assertThatThrownBy(() -> UnimllmTokenizer.load(tmp)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("7 clash(es) of token ids").hasMessageEndingWith("; ...");
    }

    @Test
    void theSameAddedTokenListedTwiceWithItsIdIsNoClash() throws IOException {
        writeWordLevel(added(0, "[UNK]") + ", " + added(2, "<image>") + ", " + added(2, "<image>"),
                "\"[UNK]\": 0, \"red\": 1");
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(tmp)) {
            assertThat(tok.tokenId("<image>")).isEqualTo(2);
        }
    }
}
