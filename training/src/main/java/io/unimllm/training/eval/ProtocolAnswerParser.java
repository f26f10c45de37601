package io.unimllm.training.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately tiny, lenient parser for the world's answer form
 * {@code <task_TYPE>ARGS</task><box>x1,y1,x2,y2</box>...}; the project's full OutputParser lives in the tokenizer
 * module. Text without a task token is a plain answer. Boxes that are not four integers 0..999 are ignored (they
 * then count as missed boxes in the metrics).
 */
public final class ProtocolAnswerParser {
    private static final Pattern TASK = Pattern.compile("<task_([A-Za-z0-9_]+)>(.*?)</task>", Pattern.DOTALL);
    private static final Pattern BOX = Pattern.compile("<box>\\s*(\\d{1,3})\\s*,\\s*(\\d{1,3})\\s*,\\s*(\\d{1,3})\\s*,"
            + "\\s*(\\d{1,3})\\s*</box>");

    private ProtocolAnswerParser() {
    }

    /** Parses {@code text}; never throws on malformed input. */
    public static ParsedAnswer parse(String text) {
        String t = text == null ? "" : text;
        Matcher m = TASK.matcher(t);
        if (!m.find()) {
            return new ParsedAnswer("answer", t.trim(), List.of());
        }
        List<int[]> boxes = new ArrayList<>();
        Matcher b = BOX.matcher(t);
        b.region(m.end(), t.length());
        while (b.find()) {
            boxes.add(new int[] {Integer.parseInt(b.group(1)), Integer.parseInt(b.group(2)),
                Integer.parseInt(b.group(3)), Integer.parseInt(b.group(4))});
        }
        return new ParsedAnswer(m.group(1), m.group(2).trim(), boxes);
    }
}
