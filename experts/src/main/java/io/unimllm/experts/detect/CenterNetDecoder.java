package io.unimllm.experts.detect;

import io.unimllm.geometry.Box;
import io.unimllm.router.spi.Detection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Turns a {@link CenterNetHead} into detections: a cell is a peak when its score equals the maximum of its 3x3
 * neighbourhood in the same class channel (what the model's own graph does with a 3x3 max-pool), the box is the cell
 * centre minus/plus the predicted distances. Boxes are in the model's input pixels; the caller rescales them.
 */
public final class CenterNetDecoder {
    private CenterNetDecoder() {}

    /**
     * Peaks at or above a score, strongest first.
     *
     * @param head the model output
     * @param minScore lowest score kept
     * @param topK at most this many peaks (the model's own decoder keeps 100)
     * @param classFilter which class ids to keep
     * @return the peaks as detections, highest score first, boxes in the model's input pixels, labelled with the COCO
     *     class name when the head has 80 classes, else {@code "class<id>"}
     * @throws IllegalArgumentException when {@code topK} is negative
     */
    public static List<Detection> decode(CenterNetHead head, double minScore, int topK, IntPredicate classFilter) {
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        int h = head.height(), w = head.width(), c = head.classes();
        float[] hm = head.heatmap();
        float[] d = head.distances();
        List<Detection> peaks = new ArrayList<>();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int base = (y * w + x) * c;
                for (int k = 0; k < c; k++) {
                    float v = hm[base + k];
                    if (v < minScore || !classFilter.test(k) || !isLocalMax(hm, h, w, c, y, x, k, v)) {
                        continue;
                    }
                    int o = (y * w + x) * 4;
                    double cx = (double) head.stride() * x, cy = (double) head.stride() * y;
                    double x1 = cx - d[o], y1 = cy - d[o + 1], x2 = cx + d[o + 2], y2 = cy + d[o + 3];
                    // A degenerate prediction (negative extent) still names a place; keep it as a point-sized box.
                    Box box = new Box(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2));
                    peaks.add(new Detection(box, CocoClasses.NAMES.size() == c ? CocoClasses.name(k)
                            : "class" + k, v));
                }
            }
        }
        peaks.sort(Comparator.comparingDouble(Detection::score).reversed());
        return peaks.size() > topK ? List.copyOf(peaks.subList(0, topK)) : List.copyOf(peaks);
    }

    private static boolean isLocalMax(float[] hm, int h, int w, int c, int y, int x, int k, float v) {
        for (int dy = -1; dy <= 1; dy++) {
            int yy = y + dy;
            if (yy < 0 || yy >= h) {
                continue;
            }
            for (int dx = -1; dx <= 1; dx++) {
                int xx = x + dx;
                if (xx >= 0 && xx < w && hm[(yy * w + xx) * c + k] > v) {
                    return false;
                }
            }
        }
        return true;
    }
}
