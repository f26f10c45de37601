package io.unimllm.shapes.world;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Instruction templates per task, split into phrasings used for training and held-out phrasings used only for
 * testing. Held-out phrasings recombine words the training phrasings use, so that a test measures generalisation to a
 * new phrasing, not to unknown words. {@code {r}} is a referring expression, {@code {k}} a kind (plural),
 * {@code {c}} a colour, {@code {s}} a singular kind.
 */
public final class Phrasings {
    private Phrasings() {
    }

    /** Task kinds of the world. */
    public enum Task {
        /** The mask of one shape named by a referring expression: {@code <task_seg>} with its box. */
        SEGMENT,
        /** Every shape of one kind: {@code <task_det>} with their boxes. */
        DETECT,
        /** Paint one shape another colour: {@code <task_edit>} with the colour and its box. */
        RECOLOUR,
        /** Erase one shape: {@code <task_edit>remove</task>} with its box. */
        REMOVE,
        /** How many shapes there are: a plain number. */
        COUNT,
        /** The colour of the only shape of a kind: a plain colour word. */
        COLOUR_OF,
        /** Whether a shape of a kind is there: a plain yes or no. */
        EXISTS;

        /**
         * The stable name dataset files use (their {@code "task"} field).
         *
         * @return the lower-case name, e.g. {@code "colour_of"}
         */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * The task of a dataset file's name.
         *
         * @param id a name {@link #id()} returns
         * @return the task whose {@link #id()} is {@code id}
         * @throws IllegalArgumentException for an unknown name
         */
        public static Task fromId(String id) {
            for (Task t : values()) {
                if (t.id().equals(id)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown task '" + id + "'");
        }
    }

    /** Training phrasings. */
    public static final Map<Task, List<String>> TRAIN = Map.of(
            Task.SEGMENT, List.of("segment the {r}", "cut out the {r}", "show me the mask of the {r}",
                    "i want a mask of the {r}", "please segment the {r} in this image"),
            Task.DETECT, List.of("find all {k}", "where are the {k} ?", "detect every {s} in the image",
                    "show me all the {k} please"),
            Task.RECOLOUR, List.of("make the {r} {c}", "turn the {r} {c}", "paint the {r} {c} please"),
            Task.REMOVE, List.of("remove the {r}", "delete the {r} from the image", "erase the {r}"),
            Task.COUNT, List.of("how many shapes are there ?", "count the shapes",
                    "how many shapes are in the image ?"),
            Task.COLOUR_OF, List.of("what colour is the {s} ?", "which colour does the {s} have ?"),
            Task.EXISTS, List.of("is there a {s} ?", "is there a {s} in the image ?"));

    /** Held-out phrasings, never seen in training. */
    public static final Map<Task, List<String>> TEST = Map.of(
            Task.SEGMENT, List.of("please cut out the {r}", "i want the mask of the {r} in the image"),
            Task.DETECT, List.of("where are all the {k} in the image ?", "please find every {s}"),
            Task.RECOLOUR, List.of("please make the {r} {c}"),
            Task.REMOVE, List.of("please remove the {r} from the image"),
            Task.COUNT, List.of("count the shapes in the image please"),
            Task.COLOUR_OF, List.of("what colour does the {s} have ?"),
            Task.EXISTS, List.of("is there a {s} in this image ?"));

    /**
     * Filler words a training instruction may start with ({@link #withFiller}). None of them occurs in a
     * {@link #TEST} phrasing, so fillers teach that extra words leave the task unchanged without showing the model any
     * part of a held-out phrasing.
     */
    public static final List<String> FILLER_PREFIXES = List.of("now", "ok", "kindly");
    /** Filler words a training instruction may end with (before a closing {@code ?}); see {@link #FILLER_PREFIXES}. */
    public static final List<String> FILLER_SUFFIXES = List.of("for me", "now", "quickly");
    /** Every word of the fillers, once each. */
    public static final List<String> FILLER_WORDS = List.of("now", "ok", "kindly", "for", "me", "quickly");

    /**
     * {@code phrase} with, at probability {@code p}, one filler added: a prefix or a suffix (equally likely), the
     * suffix placed before a closing {@code " ?"}.
     *
     * @param phrase the instruction
     * @param p the probability of a filler
     * @param rnd the random stream the choices come from
     * @return the instruction, with or without a filler
     */
    public static String withFiller(String phrase, double p, SplittableRandom rnd) {
        if (rnd.nextDouble() >= p) {
            return phrase;
        }
        if (rnd.nextBoolean()) {
            return FILLER_PREFIXES.get(rnd.nextInt(FILLER_PREFIXES.size())) + " " + phrase;
        }
        String suffix = FILLER_SUFFIXES.get(rnd.nextInt(FILLER_SUFFIXES.size()));
        return phrase.endsWith(" ?")
                ? phrase.substring(0, phrase.length() - 2) + " " + suffix + " ?"
                : phrase + " " + suffix;
    }
}
