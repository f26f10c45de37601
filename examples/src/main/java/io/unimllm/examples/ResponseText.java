package io.unimllm.examples;

import io.unimllm.Response;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.router.TaskResult;
import io.unimllm.router.TaskStatus;
import io.unimllm.router.spi.Detection;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.ScoredMask;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The text the CLI prints for a {@link Response} with {@code --format text}: the answer, then one line per task. */
final class ResponseText {
    private ResponseText() {
    }

    static String of(Response r, Map<Integer, String> editedFiles, String overlayFile) {
        StringBuilder s = new StringBuilder();
        if (!r.text().isBlank()) {
            s.append(r.text().strip()).append('\n');
        }
        for (int i = 0; i < r.tasks().size(); i++) {
            TaskResult t = r.tasks().get(i);
            s.append(t.task().taskType());
            if (!t.task().arguments().isBlank()) {
                s.append(" \"").append(t.task().arguments().strip()).append('"');
            }
            for (Grounding g : t.task().groundings()) {
                s.append(' ').append(geometry(g.geometry()));
            }
            s.append(": ").append(t.status());
            t.expert().ifPresent(e -> s.append(" (").append(e).append(')'));
            if (t.status() == TaskStatus.OK && t.result().isPresent()) {
                List<String> parts = results(t.result().get());
                if (editedFiles.containsKey(i)) {
                    parts.add("edited image " + editedFiles.get(i));
                }
                if (!parts.isEmpty()) {
                    s.append(", ").append(String.join(", ", parts));
                }
            }
            t.error().ifPresent(e -> s.append(": ").append(ErrorReporter.describe(e)));
            s.append('\n');
        }
        if (r.text().isBlank() && r.tasks().isEmpty()) {
            s.append("(empty answer, finish reason ").append(r.finishReason()).append(")\n");
        }
        s.append("overlay ").append(overlayFile).append('\n');
        return s.toString();
    }

    private static List<String> results(ExpertResult res) {
        List<String> parts = new ArrayList<>();
        for (ScoredMask m : res.masks()) {
            parts.add(String.format(Locale.ROOT, "mask of %d px (score %.2f)", m.mask().area(), m.score()));
        }
        for (Detection d : res.detections()) {
            parts.add(String.format(Locale.ROOT, "%s %s (score %.2f)", d.label(), geometry(d.box()), d.score()));
        }
        res.text().ifPresent(tx -> parts.add("\"" + tx.strip() + "\""));
        return parts;
    }

    private static String geometry(Geometry g) {
        if (g instanceof Box b) {
            return String.format(Locale.ROOT, "[%.0f, %.0f, %.0f, %.0f]", b.x1(), b.y1(), b.x2(), b.y2());
        }
        if (g instanceof Point p) {
            return String.format(Locale.ROOT, "(%.0f, %.0f)", p.x(), p.y());
        }
        return g.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }
}
