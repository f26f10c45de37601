package io.unimllm.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a chrome trace written by libtorch's profiler and sums the time spent inside top-level operators (events not
 * nested in another event of the same thread): the tensor work, as opposed to time spent in Java between operators.
 */
final class TraceSummary {
    private TraceSummary() {
    }

    /** Microseconds inside top-level operator events, and how many such events. */
    record OpTime(double micros, int ops) {
    }

    static OpTime read(Path trace) throws IOException {
        JsonNode root = new ObjectMapper().readTree(trace.toFile());
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        Map<String, List<double[]>> byThread = new HashMap<>();
        for (JsonNode e : events) {
            if (!"X".equals(e.path("ph").asText()) || !e.has("dur")) {
                continue;
            }
            String cat = e.path("cat").asText("");
            if (!cat.isEmpty() && !cat.equals("cpu_op") && !cat.equals("Operator")) {
                continue;
            }
            String tid = e.path("pid").asText() + "/" + e.path("tid").asText();
            byThread.computeIfAbsent(tid, k -> new ArrayList<>())
                    .add(new double[] {e.path("ts").asDouble(), e.path("dur").asDouble()});
        }
        double total = 0;
        int ops = 0;
        for (List<double[]> list : byThread.values()) {
            list.sort(Comparator.comparingDouble((double[] a) -> a[0]).thenComparingDouble(a -> -a[1]));
            double end = Double.NEGATIVE_INFINITY;
            for (double[] ev : list) {
                if (ev[0] >= end) {
                    total += ev[1];
                    ops++;
                    end = ev[0] + ev[1];
                }
            }
        }
        return new OpTime(total, ops);
    }
}
