package io.unimllm.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.Response;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.router.TaskResult;
import io.unimllm.router.spi.Detection;
import io.unimllm.router.spi.ScoredMask;
import java.util.Map;

/** The JSON the CLI prints for a {@link Response}. */
final class ResponseJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResponseJson() {
    }

    static ObjectNode of(String instruction, Response r, Map<Integer, String> editedFiles) {
        ObjectNode root = JSON.createObjectNode();
        root.put("instruction", instruction);
        root.put("text", r.text());
        root.put("raw_answer", r.rawAnswer());
        root.put("finish_reason", r.finishReason().name());
        ArrayNode warnings = root.putArray("warnings");
        for (ParseWarning w : r.warnings()) {
            warnings.add(w.toString());
        }
        ArrayNode tasks = root.putArray("tasks");
        for (int k = 0; k < r.tasks().size(); k++) {
            final int i = k;
            TaskResult t = r.tasks().get(i);
            ObjectNode n = tasks.addObject();
            n.put("type", t.task().taskType());
            n.put("arguments", t.task().arguments());
            n.put("status", t.status().name());
            t.expert().ifPresent(e -> n.put("expert", e));
            t.error().ifPresent(e -> n.put("error", e.getMessage()));
            n.put("elapsed_ms", t.elapsed().toNanos() / 1e6);
            ArrayNode gs = n.putArray("groundings");
            for (Grounding g : t.task().groundings()) {
                ObjectNode gn = geometry(gs.addObject(), g.geometry());
                g.label().ifPresent(l -> gn.put("label", l));
            }
            t.result().ifPresent(res -> {
                ArrayNode masks = n.putArray("masks");
                for (ScoredMask m : res.masks()) {
                    ObjectNode mn = masks.addObject();
                    mn.put("label", m.label());
                    mn.put("score", m.score());
                    mn.put("area", m.mask().area());
                }
                ArrayNode dets = n.putArray("detections");
                for (Detection d : res.detections()) {
                    geometry(dets.addObject(), d.box()).put("label", d.label()).put("score", d.score());
                }
                res.text().ifPresent(tx -> n.put("text", tx));
                if (editedFiles.containsKey(i)) {
                    n.put("edited_image", editedFiles.get(i));
                }
            });
        }
        ObjectNode timings = root.putObject("timings_ms");
        r.timings().stages().forEach((k, v) -> timings.put(k, v.toNanos() / 1e6));
        return root;
    }

    private static ObjectNode geometry(ObjectNode n, Geometry g) {
        if (g instanceof Box b) {
            n.putArray("box").add(round(b.x1())).add(round(b.y1())).add(round(b.x2())).add(round(b.y2()));
        } else if (g instanceof Point p) {
            n.putArray("point").add(round(p.x())).add(round(p.y()));
        } else if (g instanceof Polygon p) {
            ArrayNode a = n.putArray("polygon");
            p.vertices().forEach(v -> a.addArray().add(round(v.x())).add(round(v.y())));
        } else {
            n.put("kind", g.getClass().getSimpleName());
        }
        return n;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
