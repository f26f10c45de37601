package io.unimllm.protocol.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.unimllm.protocol.ProtocolException;
import io.unimllm.protocol.TaskVocabulary;
import io.unimllm.protocol.codec.Codecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Streaming equals one-shot on the newer dialects' real and malformed answers: every answer, and every prefix of it
 * (an answer cut off at the length limit anywhere), parses the same whole, char by char and in random pieces, in
 * lenient and strict mode. JSON blocks are the hard case: nothing may be decided before the block closes.
 */
class DialectStreamingTest {
    private static final int W = 640;
    private static final int H = 480;

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of("qwen2-vl", "<|object_ref_start|>一只狗<|object_ref_end|><|box_start|>(221,423),(569,886)"
                        + "<|box_end|>和<|object_ref_start|>一个女人<|object_ref_end|><|box_start|>(451,381),(733,793)"
                        + "<|box_end|> click(start_box='<|box_start|>(246,113)<|box_end|>')"),
                Arguments.of("qwen2.5-vl", "Here:\n```json\n[\n\t{\"bbox_2d\": [19, 300, 154, 476], \"label\": \"the "
                        + "\"metal\" head\"},\n\t{\"point_2d\": [5, 6]}\n\t{\"bbox_2d\": [1, 2]}\n]\n``` and "
                        + "<points x1=\"3\" y1=\"4\" alt=\"pin\">pin</points> [1] {x}"),
                Arguments.of("qwen3-vl", "<task_det>cats</task>\n```json\n[{'bbox_2d': [1, 2, 3, 4], 'label': 'a'},"
                        + " {\"bbox_2d\": oops}]\n``` ```python\nx = [1, 2]\n``` {\"answer\": \"yes\"}"),
                Arguments.of("gemini", "[{\"box_2d\": [6, 246, 386, 526], \"label\": \"Apple logo\"}, {\"point\": "
                        + "[234, 649], \"label\": \"Search \\\"button\\\"\"}] done"),
                Arguments.of("internvl", "<ref>car</ref><box>[[75, 658, 250, 871], [286, 558, 444]]</box> "
                        + "truck[[440, 208, 502, 255]] [[the docs]] <quad>[[1,2,3,4,5,6,7,8]]</quad>"),
                Arguments.of("minicpm-v", "<ref>book</ref><box>120 300 560 880</box><point>5 6</point> <box>1 2 x"),
                Arguments.of("molmo", "<point x=\"52.3\" y=\"61.0\" alt=\"the dog\">the dog</point> <points x1=\"1\" "
                        + "y1=\"2\" x2=\"300\" alt=\"a &quot;b&quot;\">hands</points> <pointer> <point>3 4</point>"),
                Arguments.of("cogvlm", "a dog[[086,540,400,760;100,200,300,400]] [combobox] [[see]] [[1,2,3]]"),
                Arguments.of("glm4v", "are <|begin_of_box|>[[94,598,177,991]]<|end_of_box|>. <|begin_of_box|>B"
                        + "<|end_of_box|> ```json\n[{\"bbox_2d\": [1, 2, 3, 4]}]\n```"),
                Arguments.of("minigpt-v2", "<p>sofas</p> {<57><49><70><72>}<delim>{<26><48><43><71>} {<1><2>} "
                        + "<p>x</p> {<1><y>} <delim> {x}"),
                Arguments.of("ferret", "The man [201, 2, 940, 758] on [12, 746, 1664, 886]. See [1, 2, 3] [0.5, 0.5]"),
                Arguments.of("deepseek-vl2", "<|ref|>giraffe<|/ref|><|det|>[[580, 270, 999, 900], [245,[234,543,"
                        + "542,244]], [533, 132, 457]]<|/det|> <|ref|>x<|/ref|> text"),
                Arguments.of("qwen-vl", "<ref>the button</ref><box>(246,113)</box><box>(1,2),(3,4)</box>"),
                Arguments.of("kosmos2", "<phrase> a dog</phrase><object><patch_index_0044></object> and<phrase> a"
                        + " cat</phrase><object><patch_index_0044><patch_index_0863></object>"));
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

    private static List<String> chars(String s) {
        return s.codePoints().mapToObj(Character::toString).toList();
    }

    private static List<String> randomSplit(String s, Random r) {
        List<String> pieces = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int n = 1 + r.nextInt(Math.min(6, s.length() - i));
            pieces.add(s.substring(i, i + n));
            i += n;
        }
        return pieces;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void everyPrefixParsesAlikeWholeAndInPieces(String codec, String answer) {
        Random r = new Random(answer.hashCode());
        for (boolean strict : new boolean[] {false, true}) {
            OutputParser p = new OutputParser(Codecs.byName(codec), TaskVocabulary.defaults(), W, H,
                    ParserOptions.strict(strict));
            for (int cut = 0; cut <= answer.length(); cut++) {
                if (cut > 0 && Character.isLowSurrogate(answer.charAt(cut - 1))) {
                    continue;
                }
                String text = answer.substring(0, cut);
                Object whole = outcome(p, List.of(text));
                assertThat(outcome(p, randomSplit(text, r))).as("%s pieces of %s", codec, text).isEqualTo(whole);
                if (cut == answer.length() || cut % 7 == 0) {
                    assertThat(outcome(p, chars(text))).as("%s chars of %s", codec, text).isEqualTo(whole);
                }
            }
        }
    }
}
