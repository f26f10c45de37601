package io.unimllm.training.world.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * Unambiguous referring phrases for a shape in a scene: by kind alone, colour and kind, size and kind, size colour
 * and kind, or position among shapes of the same kind (left, right, top, bottom).
 */
public final class ReferringExpressions {
    /** Minimum centre gap, as a fraction of the image side, for a positional phrase to count as unambiguous. */
    static final double POSITION_MARGIN = 0.08;

    private ReferringExpressions() {
    }

    /**
     * Phrases (without "the") that pick out exactly shape {@code index} in {@code scene}.
     *
     * @param allowColor false to exclude phrases naming the colour (for "what colour is the X?")
     */
    public static List<String> candidates(Scene scene, int index, boolean allowColor) {
        Shape t = scene.shape(index);
        List<Shape> others = new ArrayList<>(scene.shapes());
        others.remove(index);
        List<Shape> sameKind = others.stream().filter(s -> s.kind() == t.kind()).toList();
        List<String> out = new ArrayList<>();
        String kind = t.kind().word();
        if (sameKind.isEmpty()) {
            out.add(kind);
        }
        if (allowColor && sameKind.stream().noneMatch(s -> s.color() == t.color())) {
            out.add(t.color().word() + " " + kind);
        }
        if (!sameKind.isEmpty() && sameKind.stream().noneMatch(s -> s.size() == t.size())) {
            out.add(t.size().word() + " " + kind);
        }
        if (allowColor && sameKind.stream().noneMatch(s -> s.size() == t.size() && s.color() == t.color())
                && sameKind.stream().anyMatch(s -> s.color() == t.color())) {
            out.add(t.size().word() + " " + t.color().word() + " " + kind);
        }
        if (!sameKind.isEmpty()) {
            double m = POSITION_MARGIN * scene.size();
            if (sameKind.stream().allMatch(s -> s.cx() - t.cx() >= m)) {
                out.add(kind + " on the left");
            }
            if (sameKind.stream().allMatch(s -> t.cx() - s.cx() >= m)) {
                out.add(kind + " on the right");
            }
            if (sameKind.stream().allMatch(s -> s.cy() - t.cy() >= m)) {
                out.add(kind + " at the top");
            }
            if (sameKind.stream().allMatch(s -> t.cy() - s.cy() >= m)) {
                out.add(kind + " at the bottom");
            }
        }
        return out;
    }

    /** Every phrase {@link #candidates} can produce, for vocabulary building. */
    public static List<String> allPhrases() {
        List<String> out = new ArrayList<>();
        for (ShapeKind k : ShapeKind.values()) {
            String w = k.word();
            out.add(w);
            for (ShapeSize s : ShapeSize.values()) {
                out.add(s.word() + " " + w);
                for (ShapeColor c : ShapeColor.values()) {
                    out.add(s.word() + " " + c.word() + " " + w);
                }
            }
            for (ShapeColor c : ShapeColor.values()) {
                out.add(c.word() + " " + w);
            }
            for (String p : List.of(" on the left", " on the right", " at the top", " at the bottom")) {
                out.add(w + p);
            }
        }
        return out;
    }
}
