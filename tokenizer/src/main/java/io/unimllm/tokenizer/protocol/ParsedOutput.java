package io.unimllm.tokenizer.protocol;

import io.unimllm.geometry.Grounding;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A parsed answer: its segments in order and what had to be repaired or dropped.
 *
 * @param segments text spans, task calls and free groundings in answer order
 * @param warnings repairs and drops (empty for well-formed output)
 */
public record ParsedOutput(List<Segment> segments, List<ParseWarning> warnings) {
    /** Copies the lists. */
    public ParsedOutput {
        segments = List.copyOf(segments);
        warnings = List.copyOf(warnings);
    }

    /** The task calls, in order. */
    public List<TaskCall> tasks() {
        return segments.stream().filter(TaskCall.class::isInstance).map(TaskCall.class::cast).toList();
    }

    /** The plain text, spans joined by single spaces. */
    public String text() {
        return segments.stream().filter(TextSpan.class::isInstance).map(s -> ((TextSpan) s).text())
                .collect(Collectors.joining(" "));
    }

    /** Groundings outside tasks, in order. */
    public List<Grounding> freeGroundings() {
        return segments.stream().filter(FreeGrounding.class::isInstance).map(s -> ((FreeGrounding) s).grounding())
                .toList();
    }
}
