package io.unimllm.training.world.synth;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The instruction templates, split into a training half and a disjoint held-out half.
 *
 * <p>Placeholders: {@code {x}} a referring phrase ("red circle", "square on the left"), {@code {kind}} a singular
 * kind, {@code {k}} a plural kind, {@code {c}} a colour. Templates use no commas so that the comma stays a pure
 * coordinate separator for the word-level tokenizer.
 */
public final class Phrasings {
    private static final Map<TaskKind, List<String>> TRAIN = new EnumMap<>(TaskKind.class);
    private static final Map<TaskKind, List<String>> TEST = new EnumMap<>(TaskKind.class);

    static {
        put(TaskKind.SEGMENT,
                List.of("segment the {x}", "cut out the {x}", "please segment the {x}", "show the mask of the {x}"),
                List.of("give me a mask of the {x}", "cut the {x} out"));
        put(TaskKind.LOCATE,
                List.of("where is the {x}?", "locate the {x}", "show me where the {x} is"),
                List.of("find the {x}", "where can i see the {x}?"));
        put(TaskKind.DETECT,
                List.of("find all {k}", "detect every {kind}", "detect all {k}"),
                List.of("find every {kind}", "show all {k}"));
        put(TaskKind.RECOLOR,
                List.of("make the {x} {c}", "paint the {x} {c}", "change the colour of the {x} to {c}"),
                List.of("turn the {x} {c}", "colour the {x} {c}"));
        put(TaskKind.REMOVE,
                List.of("remove the {x}", "delete the {x}", "erase the {x}"),
                List.of("get rid of the {x}", "take the {x} away"));
        put(TaskKind.COUNT,
                List.of("how many shapes are there?", "count the shapes", "how many {k} are there?", "count the {k}"),
                List.of("what is the number of shapes?", "what is the number of {k}?"));
        put(TaskKind.COLOR,
                List.of("what colour is the {x}?", "which colour does the {x} have?"),
                List.of("tell me the colour of the {x}", "what is the colour of the {x}?"));
        put(TaskKind.EXISTS,
                List.of("is there a {kind}?", "is there any {kind} in the image?"),
                List.of("do you see a {kind}?", "can you find a {kind}?"));
    }

    private Phrasings() {
    }

    private static void put(TaskKind kind, List<String> train, List<String> test) {
        TRAIN.put(kind, train);
        TEST.put(kind, test);
    }

    /** The templates of {@code kind} in {@code set}. */
    public static List<String> templates(TaskKind kind, PhrasingSet set) {
        return (set == PhrasingSet.TRAIN ? TRAIN : TEST).get(kind);
    }

    /** All templates of {@code set}, every task kind. */
    public static List<String> templates(PhrasingSet set) {
        List<String> all = new ArrayList<>();
        for (TaskKind k : TaskKind.values()) {
            all.addAll(templates(k, set));
        }
        return all;
    }

    /**
     * Every instruction and answer text the world can produce except coordinates and counts (those are digits),
     * for building a vocabulary: each template expanded with every referring phrase, kind, colour.
     */
    public static List<String> allTexts() {
        List<String> phrases = ReferringExpressions.allPhrases();
        List<String> out = new ArrayList<>();
        for (PhrasingSet set : PhrasingSet.values()) {
            for (String t : templates(set)) {
                for (String x : t.contains("{x}") ? phrases : List.of("")) {
                    for (ShapeKind k : ShapeKind.values()) {
                        for (ShapeColor c : ShapeColor.values()) {
                            out.add(fill(t, x, k, c));
                        }
                    }
                }
            }
        }
        out.addAll(phrases);
        for (ShapeColor c : ShapeColor.values()) {
            out.add(c.word());
        }
        for (ShapeKind k : ShapeKind.values()) {
            out.add(k.word());
        }
        out.add("remove");
        out.add("yes");
        out.add("no");
        return out;
    }

    static String fill(String template, String referring, ShapeKind kind, ShapeColor color) {
        return template.replace("{x}", referring).replace("{kind}", kind.word()).replace("{k}", kind.plural())
                .replace("{c}", color.word());
    }
}
