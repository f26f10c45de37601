package io.unimllm.experts.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The 80 COCO detection classes in the order the CenterNet head emits them (id 0 = person), and a matcher that finds
 * which of them a phrase names, by name, plural or a common synonym ("people", "kitten", "sofa", "television").
 */
public final class CocoClasses {
    /** Class names; the index is the model's class id. */
    public static final List<String> NAMES = List.of("person", "bicycle", "car", "motorcycle", "airplane", "bus",
            "train", "truck", "boat", "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird",
            "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
            "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat",
            "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "wine glass", "cup", "fork",
            "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog",
            "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "dining table", "toilet", "tv",
            "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
            "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush");

    private static final Map<String, String> SYNONYMS = Map.ofEntries(
            Map.entry("people", "person"), Map.entry("persons", "person"), Map.entry("human", "person"),
            Map.entry("man", "person"), Map.entry("men", "person"), Map.entry("woman", "person"),
            Map.entry("women", "person"), Map.entry("child", "person"), Map.entry("children", "person"),
            Map.entry("kid", "person"), Map.entry("boy", "person"), Map.entry("girl", "person"),
            Map.entry("lady", "person"), Map.entry("guy", "person"), Map.entry("astronaut", "person"),
            Map.entry("pedestrian", "person"), Map.entry("bike", "bicycle"), Map.entry("motorbike", "motorcycle"),
            Map.entry("plane", "airplane"), Map.entry("aeroplane", "airplane"), Map.entry("aircraft", "airplane"),
            Map.entry("ship", "boat"), Map.entry("kitten", "cat"), Map.entry("kitty", "cat"),
            Map.entry("puppy", "dog"), Map.entry("ball", "sports ball"), Map.entry("bag", "handbag"),
            Map.entry("purse", "handbag"), Map.entry("mug", "cup"), Map.entry("knives", "knife"),
            Map.entry("doughnut", "donut"), Map.entry("sofa", "couch"), Map.entry("plant", "potted plant"),
            Map.entry("table", "dining table"), Map.entry("television", "tv"), Map.entry("monitor", "tv"),
            Map.entry("mice", "mouse"), Map.entry("phone", "cell phone"), Map.entry("smartphone", "cell phone"),
            Map.entry("mobile phone", "cell phone"), Map.entry("fridge", "refrigerator"),
            Map.entry("teddy", "teddy bear"), Map.entry("hair dryer", "hair drier"),
            Map.entry("cattle", "cow"), Map.entry("skies", "skis"));

    /** Phrase -> class id, longest phrases first so "hot dog" wins over "dog" and "teddy bear" over "bear". */
    private static final List<Map.Entry<String, Integer>> PHRASES = phrases();

    private CocoClasses() {}

    /**
     * The number of classes.
     *
     * @return 80
     */
    public static int count() {
        return NAMES.size();
    }

    /**
     * The class name for a model class id.
     *
     * @param id a class id, as the model emits it
     * @return the name, e.g. {@code "person"} for 0
     * @throws IllegalArgumentException when the id is not in {@code [0, 80)}
     */
    public static String name(int id) {
        if (id < 0 || id >= NAMES.size()) {
            throw new IllegalArgumentException("COCO class id must be in [0, " + NAMES.size() + "), got " + id);
        }
        return NAMES.get(id);
    }

    /**
     * The classes a phrase names (case-insensitive, whole words, plurals and synonyms; a longer name wins over one
     * inside it, so "hot dog" is not a dog).
     *
     * @param text the phrase; may be null
     * @return the class ids, in ascending order; empty when it names none
     */
    public static Set<Integer> mentionedIn(String text) {
        Set<Integer> ids = new TreeSet<>();
        if (text == null || text.isBlank()) {
            return ids;
        }
        // Normalise to single-spaced lower-case words framed by spaces, so " phrase " matches whole words only.
        StringBuilder s = new StringBuilder(" " + text.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", " ").trim()
                + " ");
        for (Map.Entry<String, Integer> p : PHRASES) {
            for (String form : List.of(p.getKey(), p.getKey() + "s", p.getKey() + "es")) {
                String needle = " " + form + " ";
                int at;
                while ((at = s.indexOf(needle)) >= 0) {
                    ids.add(p.getValue());
                    // Blank the match (keep the framing spaces) so shorter phrases inside it do not match again.
                    for (int i = at + 1; i < at + needle.length() - 1; i++) {
                        s.setCharAt(i, '_');
                    }
                }
            }
        }
        return ids;
    }

    private static List<Map.Entry<String, Integer>> phrases() {
        Map<String, Integer> all = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            all.put(NAMES.get(i), i);
        }
        SYNONYMS.forEach((synonym, name) -> {
            int id = NAMES.indexOf(name);
            if (id < 0) {
                throw new IllegalStateException("synonym '" + synonym + "' maps to unknown class '" + name + "'");
            }
            all.putIfAbsent(synonym, id);
        });
        List<Map.Entry<String, Integer>> list = new ArrayList<>(all.entrySet());
        list.sort(Comparator.comparingInt((Map.Entry<String, Integer> e) -> -e.getKey().length())
                .thenComparing(Map.Entry::getKey));
        return List.copyOf(list);
    }
}
