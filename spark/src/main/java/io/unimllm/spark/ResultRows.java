package io.unimllm.spark;

import io.unimllm.Response;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.CocoRle;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.router.TaskResult;
import io.unimllm.router.spi.Detection;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.ScoredMask;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Turns a {@link Response} or an error into the rows of {@link ResultSchema}, field for field. */
final class ResultRows {
    private ResultRows() {
    }

    /**
     * The result struct of an answer.
     *
     * @param r the answer
     * @param withImages whether edited images are written as PNG bytes (else the field is null)
     * @return a row of {@link ResultSchema#RESULT}
     */
    static Row result(Response r, boolean withImages) {
        List<String> warnings = new ArrayList<>();
        for (ParseWarning w : r.warnings()) {
            warnings.add(w.describe());
        }
        List<Row> tasks = new ArrayList<>();
        for (TaskResult t : r.tasks()) {
            tasks.add(task(t, withImages));
        }
        Map<String, Double> timings = new LinkedHashMap<>();
        for (Map.Entry<String, Duration> e : r.timings().stages().entrySet()) {
            timings.put(e.getKey(), e.getValue().toNanos() / 1e6);
        }
        return RowFactory.create(r.text(), r.rawAnswer(), lower(r.finishReason().name()), seq(warnings), seq(tasks),
                CollectionConverters.asScala(timings));
    }

    /**
     * The error struct of a row that has no answer.
     *
     * @param e what went wrong
     * @return a row of {@link ResultSchema#ERROR}
     */
    static Row error(Throwable e) {
        return RowFactory.create(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }

    private static Row task(TaskResult t, boolean withImages) {
        List<Row> boxes = new ArrayList<>();
        List<Row> masks = new ArrayList<>();
        byte[] image = null;
        String text = null;
        if (t.result().isPresent()) {
            ExpertResult res = t.result().get();
            for (Detection d : res.detections()) {
                Box b = d.box();
                boxes.add(RowFactory.create(b.x1(), b.y1(), b.x2(), b.y2(), d.label(), d.score()));
            }
            for (ScoredMask m : res.masks()) {
                CocoRle rle = CocoRle.of(m.mask());
                masks.add(RowFactory.create(seq(List.of(rle.height(), rle.width())), rle.counts(), m.mask().area(),
                        m.score(), m.label()));
            }
            if (withImages && res.image().isPresent()) {
                image = png(res.image().get());
            }
            text = res.text().orElse(null);
        }
        String error = t.error().map(e -> String.valueOf(e.getMessage())).orElse(null);
        return RowFactory.create(t.task().taskType(), t.task().arguments(), lower(t.status().name()),
                t.expert().orElse(null), error, seq(boxes), seq(masks), image, text);
    }

    /** Spark's row encoder takes Scala collections for array columns (and Scala maps for map columns). */
    private static <T> Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toSeq();
    }

    /**
     * An image as PNG bytes.
     *
     * @param img the image
     * @return the encoded image
     */
    static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer for an image of type " + img.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG in memory", e);
        }
        return out.toByteArray();
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
