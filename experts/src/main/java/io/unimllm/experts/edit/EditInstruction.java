package io.unimllm.experts.edit;

import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an edit asks for, read from a task's arguments (and the instruction as a fallback): a removal ("remove",
 * "delete", "erase", "get rid of") or a recolouring to a named or hex colour ("yellow", "#ffcc00").
 *
 * @param remove true for a removal
 * @param colour the target colour of a recolouring
 */
public record EditInstruction(boolean remove, Optional<Color> colour) {
    /** Colour names understood, with their RGB values. */
    public static final Map<String, Color> COLOURS = new LinkedHashMap<>();

    static {
        COLOURS.put("red", new Color(220, 40, 40));
        COLOURS.put("green", new Color(40, 170, 60));
        COLOURS.put("blue", new Color(40, 80, 220));
        COLOURS.put("yellow", new Color(235, 210, 40));
        COLOURS.put("orange", new Color(240, 140, 30));
        COLOURS.put("purple", new Color(140, 60, 180));
        COLOURS.put("pink", new Color(240, 120, 180));
        COLOURS.put("white", new Color(250, 250, 250));
        COLOURS.put("black", new Color(15, 15, 15));
        COLOURS.put("gray", new Color(128, 128, 128));
        COLOURS.put("grey", new Color(128, 128, 128));
        COLOURS.put("cyan", new Color(40, 200, 220));
        COLOURS.put("magenta", new Color(220, 40, 200));
        COLOURS.put("brown", new Color(130, 80, 40));
    }

    /** Parses arguments first, then the instruction; empty when neither says what to do. */
    public static Optional<EditInstruction> parse(String arguments, String instruction) {
        Optional<EditInstruction> a = parse(arguments);
        return a.isPresent() ? a : parse(instruction);
    }

    static Optional<EditInstruction> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.toLowerCase(Locale.ROOT);
        if (t.matches(".*\\b(remove|delete|erase|get rid of)\\b.*")) {
            return Optional.of(new EditInstruction(true, Optional.empty()));
        }
        java.util.regex.Matcher hex = java.util.regex.Pattern.compile("#([0-9a-f]{6}|[0-9a-f]{3})\\b").matcher(t);
        if (hex.find()) {
            String h = hex.group(1);
            if (h.length() == 3) {
                h = "" + h.charAt(0) + h.charAt(0) + h.charAt(1) + h.charAt(1) + h.charAt(2) + h.charAt(2);
            }
            return Optional.of(new EditInstruction(false, Optional.of(new Color(Integer.parseInt(h, 16)))));
        }
        // the last colour word wins: "make the red circle yellow" -> yellow
        Color found = null;
        int at = -1;
        for (Map.Entry<String, Color> e : COLOURS.entrySet()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + e.getKey() + "\\b").matcher(t);
            while (m.find()) {
                if (m.start() > at) {
                    at = m.start();
                    found = e.getValue();
                }
            }
        }
        return found == null ? Optional.empty() : Optional.of(new EditInstruction(false, Optional.of(found)));
    }
}
