package io.unimllm.protocol.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.geometry.SegmentationCodes;
import io.unimllm.protocol.ProtocolException;
import io.unimllm.protocol.TaskVocabulary;
import io.unimllm.protocol.codec.Codecs;
import io.unimllm.protocol.codec.GroundingCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: feeding an answer in any split into pieces gives exactly what parsing the whole text gives, in lenient
 * and strict mode, for every codec, over random answers mixing valid and broken tokens and cut-off endings.
 */
class StreamingEquivalenceTest {
    private static final int W = 640;
    private static final int H = 480;
    private static final int ANSWERS = 300;
    private static final int SPLITS = 8;

    static Stream<String> codecNames() {
        return Codecs.names().stream();
    }

    private static List<Grounding> samples(GroundingCodec codec, Random r) {
        List<Grounding> candidates = List.of(
                Grounding.of(new Box(r.nextInt(300), r.nextInt(200), 300 + r.nextInt(300), 200 + r.nextInt(200)),
                        "cat"),
                Grounding.of(new Point(r.nextInt(W), r.nextInt(H))),
                Grounding.of(new Polygon(List.of(new Point(1, 2), new Point(300, 20), new Point(100, 400)))),
                Grounding.of(new SegmentationCodes(new Box(10, 10, 200, 200), r.ints(16, 0, 128).toArray(),
                        "paligemma-vqvae"), "dog"));
        List<Grounding> ok = new ArrayList<>();
        for (Grounding g : candidates) {
            try {
                codec.encode(g, W, H);
                ok.add(g);
            } catch (IllegalArgumentException e) {
                // this dialect cannot write that geometry
            }
        }
        return ok;
    }

    private static String randomAnswer(GroundingCodec codec, Random r) {
        List<Grounding> gs = samples(codec, r);
        String[] junk = {"<", ">", "[", "]", "<task_", "<task_xyz>", "</task>", "</", ";", ",", "0.5", "12", " ",
                "\n", "<box>1,2</box>", "<box>5,6,3,1200</box>", "<loc_", "<loc0", "<ref>", "</ref>", "<object>",
                "<phrase>", "[0.1,0.2", "<poly>", "<sep>", "<seg012>", "<patch_index_0001>", "<patch_ind",
                "```json\n", "```", "{\"bbox_2d\": [", "\"label\": \"a \"b\"\"}", "]", "}", "{", "'", "\"",
                "<|box_start|>", "<|box_end|>", "(1,2)", "[[", "]]", "[[1, 2, 3, 4]]", "<point x=\"", "\" y=\"",
                "{<", "<12>", "<p>", "</p>", "<delim>", "<|det|>", "<|begin_of_box|>", "<points x1=\"3\" y1=\"4\">"};
        String[] words = {"the dog", " and ", "a cat", "ok.", "x<y", "[1]", "résumé"};
        String[] tasks = {"<task_seg>", "<task_det>", "<task_edit>", "<task_gen>"};
        StringBuilder sb = new StringBuilder();
        int parts = 1 + r.nextInt(12);
        for (int i = 0; i < parts; i++) {
            int kind = r.nextInt(10);
            if (kind < 3) {
                sb.append(words[r.nextInt(words.length)]);
            } else if (kind < 5) {
                sb.append(codec.encode(gs.get(r.nextInt(gs.size())), W, H));
            } else if (kind < 7) {
                sb.append(tasks[r.nextInt(tasks.length)]).append(words[r.nextInt(words.length)]);
                if (r.nextBoolean()) {
                    sb.append(codec.encode(gs.get(r.nextInt(gs.size())), W, H));
                }
                if (r.nextInt(4) > 0) {
                    sb.append("</task>");
                }
            } else if (kind < 9) {
                sb.append(junk[r.nextInt(junk.length)]);
            } else {
                String enc = codec.encode(gs.get(r.nextInt(gs.size())), W, H);
                sb.append(enc, 0, r.nextInt(enc.length() + 1)); // a cut-off grounding
            }
        }
        String s = sb.toString();
        return r.nextInt(3) == 0 ? s.substring(0, r.nextInt(s.length() + 1)) : s; // hit the length limit
    }

    private static List<String> randomSplit(String s, Random r) {
        List<String> pieces = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int n = 1 + r.nextInt(Math.min(8, s.length() - i));
            if (r.nextInt(10) == 0) {
                pieces.add(""); // tokens that decode to nothing
            }
            pieces.add(s.substring(i, i + n));
            i += n;
        }
        return pieces;
    }

    private static Object outcome(OutputParser p, List<String> pieces) {
        try {
            for (String piece : pieces) {
                p.feed(-1, piece);
            }
            return p.finish();
        } catch (ProtocolException e) {
            p.reset();
            return e.getMessage();
        }
    }

    @ParameterizedTest
    @MethodSource("codecNames")
    void anySplitParsesLikeTheWholeText(String codecName) {
        GroundingCodec codec = Codecs.byName(codecName);
        Random r = new Random(codecName.hashCode());
        for (boolean strict : new boolean[] {false, true}) {
            OutputParser p = new OutputParser(codec, TaskVocabulary.defaults(), W, H, ParserOptions.strict(strict));
            for (int a = 0; a < ANSWERS; a++) {
                String text = randomAnswer(codec, r);
                Object whole = outcome(p, List.of(text));
                Object perChar = outcome(p, text.chars().mapToObj(c -> String.valueOf((char) c)).toList());
                assertThat(perChar).as("char by char, %s", text).isEqualTo(whole);
                for (int s = 0; s < SPLITS; s++) {
                    List<String> pieces = randomSplit(text, r);
                    assertThat(outcome(p, pieces)).as("pieces %s", pieces).isEqualTo(whole);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecNames")
    void strictModeThrowsExactlyTheFirstLenientWarning(String codecName) {
        GroundingCodec codec = Codecs.byName(codecName);
        Random r = new Random(codecName.hashCode() + 1);
        OutputParser lenient = new OutputParser(codec, TaskVocabulary.defaults(), W, H);
        OutputParser strict = new OutputParser(codec, TaskVocabulary.defaults(), W, H, ParserOptions.strict(true));
        int withWarnings = 0;
        for (int a = 0; a < ANSWERS; a++) {
            String text = randomAnswer(codec, r);
            ParsedOutput out = lenient.parse(text);
            if (out.warnings().isEmpty()) {
                assertThat(strict.parse(text)).isEqualTo(out);
            } else {
                withWarnings++;
                assertThatThrownBy(() -> strict.parse(text)).isInstanceOf(ProtocolException.class)
                        .hasMessage(out.warnings().get(0).describe())
                        .satisfies(e -> assertThat(((ProtocolException) e).warning()).isEqualTo(out.warnings().get(0)));
                strict.reset();
            }
        }
        assertThat(withWarnings).as("the generator must exercise broken output").isGreaterThan(ANSWERS / 10);
    }

    @ParameterizedTest
    @MethodSource("codecNames")
    void randomCharacterSoupNeverThrowsLenientlyAndStreamsAlike(String codecName) {
        GroundingCodec codec = Codecs.byName(codecName);
        String[] alphabet = {"<", ">", "/", "[", "]", ";", ",", ".", "-", "0", "1", "9", " ", "\n", "_", "(", ")",
            "box", "loc", "task", "seg", "poly", "ref", "object", "phrase", "patch_index", "point", "sep", "0.5"};
        Random r = new Random(codecName.hashCode() + 2);
        OutputParser p = new OutputParser(codec, TaskVocabulary.defaults(), W, H);
        for (int a = 0; a < 1000; a++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(40);
            for (int k = 0; k < n; k++) {
                sb.append(alphabet[r.nextInt(alphabet.length)]);
            }
            String text = sb.toString();
            Object whole = outcome(p, List.of(text));
            assertThat(whole).as(text).isInstanceOf(ParsedOutput.class);
            assertThat(outcome(p, randomSplit(text, r))).as(text).isEqualTo(whole);
        }
    }
}
