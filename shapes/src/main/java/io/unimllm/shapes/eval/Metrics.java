package io.unimllm.shapes.eval;

import io.unimllm.geometry.Box;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** The per-sample metric functions of {@link ShapesEvaluation}, and how they are aggregated. */
public final class Metrics {
    /** Largest per-channel difference (0..255) under which an edited pixel counts as right. */
    public static final int EDIT_TOLERANCE = 32;

    private Metrics() {
    }

    /**
     * Greedy matching in target order: each target takes the unused prediction of highest IoU, its IoU listed (0 when
     * no prediction overlaps it or none is left). Spurious predictions cost nothing; missed targets count 0.
     *
     * @param targets the target boxes
     * @param predicted the model's boxes
     * @return one IoU per target, in target order
     */
    public static List<Double> matchIous(List<Box> targets, List<Box> predicted) {
        List<Double> out = new ArrayList<>();
        boolean[] used = new boolean[predicted.size()];
        for (Box t : targets) {
            int best = -1;
            double bestIou = 0;
            for (int j = 0; j < predicted.size(); j++) {
                double iou = used[j] ? -1 : predicted.get(j).iou(t);
                if (iou > bestIou) {
                    bestIou = iou;
                    best = j;
                }
            }
            if (best >= 0) {
                used[best] = true;
            }
            out.add(bestIou);
        }
        return out;
    }

    /**
     * How many of a sample's predictions are on a target: the IoUs of {@link #matchIous} at or above
     * {@code threshold} (each target holds at most one prediction, so this counts predictions).
     *
     * @param matchedIous the IoUs {@link #matchIous} returned for the sample
     * @param threshold the least IoU that counts
     * @return the number of predictions on a target
     */
    public static int onTarget(List<Double> matchedIous, double threshold) {
        return (int) matchedIous.stream().filter(v -> v >= threshold).count();
    }

    /**
     * Fraction of {@code want}'s pixels whose largest RGB channel difference to {@code got} is at most
     * {@link #EDIT_TOLERANCE}; the images must have the same size.
     *
     * @param got the edited image
     * @param want the expected image
     * @return the fraction, in [0, 1]
     */
    public static double pixelAccuracy(BufferedImage got, BufferedImage want) {
        int ok = 0;
        int n = want.getWidth() * want.getHeight();
        for (int y = 0; y < want.getHeight(); y++) {
            for (int x = 0; x < want.getWidth(); x++) {
                int a = got.getRGB(x, y);
                int b = want.getRGB(x, y);
                int d = Math.max(Math.abs(((a >> 16) & 0xff) - ((b >> 16) & 0xff)),
                        Math.max(Math.abs(((a >> 8) & 0xff) - ((b >> 8) & 0xff)), Math.abs((a & 0xff) - (b & 0xff))));
                ok += d <= EDIT_TOLERANCE ? 1 : 0;
            }
        }
        return ok / (double) n;
    }

    /**
     * A plain answer is right when it equals the target ignoring surrounding whitespace and case.
     *
     * @param got the model's answer
     * @param want the target answer
     * @return whether they match
     */
    public static boolean plainAnswerMatches(String got, String want) {
        return got.strip().equalsIgnoreCase(want.strip());
    }

    /**
     * True for a target box of at most 1/16 of the image's area (12 x 12 pixels of a 48 px image): the shapes
     * world's small shapes are, its large ones are not.
     *
     * @param box the target box in pixels
     * @param imageWidth the image's width in pixels
     * @param imageHeight the image's height in pixels
     * @return whether the box is small
     */
    public static boolean isSmall(Box box, int imageWidth, int imageHeight) {
        return box.width() * box.height() * 16 <= (double) imageWidth * imageHeight;
    }

    /**
     * Task arguments match when they are equal ignoring case and runs of whitespace (the model writes one token per
     * word, the target may be spaced differently).
     *
     * @param got the model's arguments
     * @param want the target's arguments
     * @return whether they match
     */
    public static boolean argumentsMatch(String got, String want) {
        return normalise(got).equalsIgnoreCase(normalise(want));
    }

    private static String normalise(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    /**
     * The mean of values.
     *
     * @param v the values
     * @return their mean, NaN for no values
     */
    public static double mean(List<Double> v) {
        return v.isEmpty() ? Double.NaN : v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /**
     * The fraction of values at or above {@code threshold}.
     *
     * @param v the values
     * @param threshold the least value that counts
     * @return the fraction, NaN for no values
     */
    public static double fraction(List<Double> v, double threshold) {
        return v.isEmpty() ? Double.NaN : v.stream().filter(x -> x >= threshold).count() / (double) v.size();
    }
}
