package io.unimllm.protocol.parse;

import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.FreeGrounding;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.protocol.Segment;
import io.unimllm.protocol.TaskCall;
import io.unimllm.protocol.TextSpan;
import java.util.List;

/**
 * A parsed model answer.
 *
 * @param segments text spans, task calls and free groundings, in output order
 * @param warnings protocol violations that were repaired or dropped, in output order
 */
public record ParsedOutput(List<Segment> segments, List<ParseWarning> warnings) {
    /**
     * Copies the lists.
     *
     * @param segments text spans, task calls and free groundings, in output order
     * @param warnings repaired or dropped protocol violations, in output order
     */
    public ParsedOutput {
        segments = List.copyOf(segments);
        warnings = List.copyOf(warnings);
    }

    /**
     * The task calls.
     *
     * @return the {@link TaskCall} segments, in output order
     */
    public List<TaskCall> taskCalls() {
        return segments.stream().filter(TaskCall.class::isInstance).map(TaskCall.class::cast).toList();
    }

    /**
     * Same as {@link #taskCalls()}.
     *
     * @return the task calls, in output order
     */
    public List<TaskCall> tasks() {
        return taskCalls();
    }

    /**
     * The groundings written outside tasks.
     *
     * @return the groundings of the {@link FreeGrounding} segments, in output order
     */
    public List<Grounding> freeGroundings() {
        return segments.stream().filter(FreeGrounding.class::isInstance)
                .map(s -> ((FreeGrounding) s).grounding()).toList();
    }

    /**
     * The plain text for reading: the text spans joined, whitespace runs collapsed to one space, trimmed (task and
     * grounding tokens removed). The spans themselves keep the exact text.
     *
     * @return the answer's text without its structure
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
