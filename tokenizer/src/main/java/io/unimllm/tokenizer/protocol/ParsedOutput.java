package io.unimllm.tokenizer.protocol;

import io.unimllm.geometry.Grounding;
import java.util.List;

/**
 * A parsed model answer.
 *
 * @param segments text spans, task calls and free groundings, in output order
 * @param warnings protocol violations that were repaired or dropped, in output order
 */
public record ParsedOutput(List<Segment> segments, List<ParseWarning> warnings) {
    public ParsedOutput {
        segments = List.copyOf(segments);
        warnings = List.copyOf(warnings);
    }

    /** The task calls, in order. */
    public List<TaskCall> taskCalls() {
        return segments.stream().filter(TaskCall.class::isInstance).map(TaskCall.class::cast).toList();
    }

    /** Same as {@link #taskCalls()}. */
    public List<TaskCall> tasks() {
        return taskCalls();
    }

    /** The groundings written outside tasks, in order. */
    public List<Grounding> freeGroundings() {
        return segments.stream().filter(FreeGrounding.class::isInstance)
                .map(s -> ((FreeGrounding) s).grounding()).toList();
    }

    /**
     * The plain text for reading: the text spans joined, whitespace runs collapsed to one space, trimmed (task and
     * grounding tokens removed). The spans themselves keep the exact text.
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        boolean space = false;
        for (Segment s : segments) {
            if (s instanceof TextSpan t) {
                for (int i = 0; i < t.text().length(); i++) {
                    char c = t.text().charAt(i);
                    if (Character.isWhitespace(c)) {
                        space = true;
                    } else {
                        if (space && !sb.isEmpty()) {
                            sb.append(' ');
                        }
                        space = false;
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
