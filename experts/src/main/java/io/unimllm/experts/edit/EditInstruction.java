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
 * @param colour the target colour of a recolouring; empty for a removal
 */
public record EditInstruction(boolean remove, Optional<Color> colour) {
    /** Colour names understood, with their RGB values, in a fixed order (unmodifiable). */
    public static final Map<String, Color> COLOURS;

    static {
        Map<String, Color> c = new LinkedHashMap<>();
        c.put("red", new Color(220, 40, 40));
        c.put("green", new Color(40, 170, 60));
        c.put("blue", new Color(40, 80, 220));
        c.put("yellow", new Color(235, 210, 40));
        c.put("orange", new Color(240, 140, 30));
        c.put("purple", new Color(140, 60, 180));
        c.put("pink", new Color(240, 120, 180));
        c.put("white", new Color(250, 250, 250));
        c.put("black", new Color(15, 15, 15));
        c.put("gray", new Color(128, 128, 128));
        c.put("grey", new Color(128, 128, 128));
        c.put("cyan", new Color(40, 200, 220));
        c.put("magenta", new Color(220, 40, 200));
        c.put("brown", new Color(130, 80, 40));
        COLOURS = java.util.Collections.unmodifiableMap(c);
    }

    /**
     * Reads what an edit asks for. A removal word wins over colours; a hex colour wins over colour names; of several
     * colour names the last one wins ("make the red circle yellow" is yellow).
     *
     * @param arguments the task's arguments, read first; may be null
     * @param instruction the user's instruction, read when the arguments say nothing; may be null
     * @return the edit, empty when neither text asks for a removal or names a colour
     */
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
