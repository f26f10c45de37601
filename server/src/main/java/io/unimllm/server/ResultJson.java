package io.unimllm.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.Response;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.CocoRle;
import io.unimllm.geometry.Geometry;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Mask;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.geometry.SegmentationCodes;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.TaskResult;
import io.unimllm.router.spi.Detection;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.ScoredMask;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The {@code unimllm} extension field of an answer's message: the plain text, the tasks with their groundings and
 * the experts' results (boxes in pixels, masks as COCO RLE, edited images as base64 PNG), the regions outside tasks
 * and the parser's warnings. docs/server.md documents every field.
 */
final class ResultJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultJson() {
    }

    /** The extension object of a whole answer. */
    static ObjectNode of(Response r, List<String> notes, boolean maskPng) {
        ObjectNode root = JSON.createObjectNode();
        root.put("text", r.text());
        ArrayNode tasks = root.putArray("tasks");
        for (TaskResult t : r.tasks()) {
            tasks.add(task(t, maskPng));
        }
        ArrayNode regions = root.putArray("regions");
        for (Grounding g : r.parsed().freeGroundings()) {
            regions.add(grounding(g));
        }
        ArrayNode warnings = root.putArray("warnings");
        for (ParseWarning w : r.warnings()) {
            warnings.add(w.describe());
        }
        ArrayNode n = root.putArray("notes");
        notes.forEach(n::add);
        return root;
    }

    /** A task as the model wrote it: type, arguments, groundings in pixels. */
    static ObjectNode call(int index, TaskCall call) {
        ObjectNode n = JSON.createObjectNode();
        n.put("index", index);
        n.put("type", call.taskType());
        n.put("arguments", call.arguments());
        ArrayNode gs = n.putArray("groundings");
        for (Grounding g : call.groundings()) {
            gs.add(grounding(g));
        }
        return n;
    }

    /** A task with its outcome and the expert's result. */
    static ObjectNode task(TaskResult t, boolean maskPng) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", t.task().taskType());
        n.put("arguments", t.task().arguments());
        n.put("status", t.status().name().toLowerCase(Locale.ROOT));
        if (t.expert().isPresent()) {
            n.put("expert", t.expert().get());
        } else {
            n.putNull("expert");
        }
        t.error().ifPresent(e -> n.put("error", String.valueOf(e.getMessage())));
        ArrayNode gs = n.putArray("groundings");
        for (Grounding g : t.task().groundings()) {
            gs.add(grounding(g));
        }
        ArrayNode boxes = n.putArray("boxes");
        ArrayNode masks = n.putArray("masks");
        if (t.result().isPresent()) {
            ExpertResult res = t.result().get();
            for (Detection d : res.detections()) {
                ObjectNode b = box(boxes.addObject(), d.box());
                b.put("label", d.label());
                b.put("score", d.score());
            }
            for (ScoredMask m : res.masks()) {
                masks.add(mask(m, maskPng));
            }
            res.image().ifPresent(img -> n.put("image", png(img)));
            res.text().ifPresent(tx -> n.put("text", tx));
        }
        return n;
    }

    static ObjectNode grounding(Grounding g) {
        ObjectNode n = geometry(JSON.createObjectNode(), g.geometry());
        g.label().ifPresent(l -> n.put("label", l));
        return n;
    }

    private static ObjectNode geometry(ObjectNode n, Geometry g) {
        if (g instanceof Box b) {
            n.put("kind", "box");
            box(n, b);
        } else if (g instanceof Point p) {
            n.put("kind", "point");
            n.put("x", p.x());
            n.put("y", p.y());
        } else if (g instanceof Polygon p) {
            n.put("kind", "polygon");
            ArrayNode pts = n.putArray("points");
            p.vertices().forEach(v -> pts.addArray().add(v.x()).add(v.y()));
        } else if (g instanceof SegmentationCodes c) {
            n.put("kind", "segmentation_codes");
            box(n, c.box());
            n.put("codebook", c.codebook());
            ArrayNode codes = n.putArray("codes");
            for (int code : c.codes()) {
                codes.add(code);
            }
        }
        return n;
    }

    private static ObjectNode box(ObjectNode n, Box b) {
        n.put("x1", b.x1());
        n.put("y1", b.y1());
        n.put("x2", b.x2());
        n.put("y2", b.y2());
        return n;
    }

    private static ObjectNode mask(ScoredMask m, boolean withPng) {
        ObjectNode n = JSON.createObjectNode();
        CocoRle rle = CocoRle.of(m.mask());
        n.putArray("size").add(rle.height()).add(rle.width());
        n.put("counts", rle.counts());
        n.put("area", m.mask().area());
        n.put("score", m.score());
        if (m.label() != null) {
            n.put("label", m.label());
        }
        if (withPng) {
            n.put("png", png(maskImage(m.mask())));
        }
        return n;
    }

    private static BufferedImage maskImage(Mask mask) {
        BufferedImage img = new BufferedImage(mask.width(), mask.height(), BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < mask.width(); x++) {
                img.setRGB(x, y, mask.get(x, y) ? 0xffffffff : 0xff000000);
            }
        }
        return img;
    }

    /** An image as base64 PNG. */
    static String png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG in memory", e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
