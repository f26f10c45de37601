package io.unimllm.training.eval;

import io.unimllm.geometry.Box;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The per-sample metric functions. */
public final class Metrics {
    private Metrics() {
    }

    /**
     * Greedy one-to-one matching of predicted to target boxes by descending IoU (pairs with IoU 0 are not matched).
     *
     * @return IoU of each matched pair, best first
     */
    public static List<Double> matchBoxes(List<Box> predicted, List<Box> target) {
        record Pair(int p, int t, double iou) {
        }
        List<Pair> pairs = new ArrayList<>();
        for (int p = 0; p < predicted.size(); p++) {
            for (int t = 0; t < target.size(); t++) {
                double iou = predicted.get(p).iou(target.get(t));
                if (iou > 0) {
                    pairs.add(new Pair(p, t, iou));
                }
            }
        }
        pairs.sort((a, b) -> Double.compare(b.iou, a.iou));
        boolean[] usedP = new boolean[predicted.size()];
        boolean[] usedT = new boolean[target.size()];
        List<Double> out = new ArrayList<>();
        for (Pair pr : pairs) {
            if (!usedP[pr.p] && !usedT[pr.t]) {
                usedP[pr.p] = true;
                usedT[pr.t] = true;
                out.add(pr.iou);
            }
        }
        return out;
    }

    /**
     * Box IoU of one sample: the sum of matched IoUs over {@code max(#predicted, #target)}, so missed and spurious
     * boxes count as 0; 1 when both lists are empty.
     */
    public static double boxIoU(List<Box> predicted, List<Box> target) {
        int n = Math.max(predicted.size(), target.size());
        return n == 0 ? 1.0 : matchBoxes(predicted, target).stream().mapToDouble(Double::doubleValue).sum() / n;
    }

    /**
     * Box accuracy at IoU 0.5 of one sample: matched pairs with IoU >= 0.5 over {@code max(#predicted, #target)};
     * 1 when both lists are empty.
     */
    public static double boxAccuracyAt50(List<Box> predicted, List<Box> target) {
        int n = Math.max(predicted.size(), target.size());
        return n == 0 ? 1.0 : matchBoxes(predicted, target).stream().filter(v -> v >= 0.5).count() / (double) n;
    }

    /**
     * Fraction of pixels whose every RGB channel differs by at most {@code tolerance} levels between
     * {@code predicted} and {@code expected}; 0 when the sizes differ.
     */
    public static double editPixelAccuracy(BufferedImage predicted, BufferedImage expected, int tolerance) {
        if (predicted.getWidth() != expected.getWidth() || predicted.getHeight() != expected.getHeight()) {
            return 0;
        }
        long ok = 0;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int a = predicted.getRGB(x, y), b = expected.getRGB(x, y);
                boolean close = true;
                for (int shift = 0; shift <= 16; shift += 8) {
                    close &= Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)) <= tolerance;
                }
                ok += close ? 1 : 0;
            }
        }
        return ok / (double) (expected.getWidth() * expected.getHeight());
    }

    /** Answer normal form for exact comparison: trimmed, lower case, whitespace runs collapsed, no final period. */
    public static String normaliseAnswer(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        return t.endsWith(".") ? t.substring(0, t.length() - 1).trim() : t;
    }
}
