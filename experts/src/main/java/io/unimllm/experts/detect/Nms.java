package io.unimllm.experts.detect;

import io.unimllm.router.spi.Detection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Greedy non-maximum suppression: visit detections by descending score and keep one unless it overlaps an already
 * kept one (of the same label, when class-aware) by more than the IoU threshold.
 */
public final class Nms {
    private Nms() {}

    /**
     * Class-aware NMS with no limit on how many are kept.
     *
     * @param detections candidates in any order
     * @param iouThreshold a candidate whose IoU with a kept detection of its label is above this is dropped; in
     *     {@code [0, 1]}
     * @return the kept detections, highest score first (ties keep input order)
     * @throws IllegalArgumentException on a threshold outside {@code [0, 1]}
     */
    public static List<Detection> suppress(List<Detection> detections, double iouThreshold) {
        return suppress(detections, iouThreshold, true, Integer.MAX_VALUE);
    }

    /**
     * Suppresses overlapping detections.
     *
     * @param detections candidates in any order
     * @param iouThreshold a candidate whose IoU with a kept detection is above this is dropped; in {@code [0, 1]}
     * @param classAware when true only detections with equal labels suppress each other
     * @param maxDetections at most this many are kept, {@code >= 0}
     * @return the kept detections, highest score first (ties keep input order)
     * @throws IllegalArgumentException on a threshold outside {@code [0, 1]} or a negative limit
     */
    public static List<Detection> suppress(List<Detection> detections, double iouThreshold, boolean classAware,
            int maxDetections) {
        Objects.requireNonNull(detections, "detections");
        if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("NMS IoU threshold must be in [0, 1], got " + iouThreshold);
        }
        if (maxDetections < 0) {
            throw new IllegalArgumentException("NMS maxDetections must be >= 0, got " + maxDetections);
        }
        List<Detection> sorted = new ArrayList<>(detections);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection candidate : sorted) {
            if (kept.size() >= maxDetections) {
                break;
            }
            boolean suppressed = false;
            for (Detection k : kept) {
                if ((!classAware || k.label().equals(candidate.label()))
                        && k.box().iou(candidate.box()) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(candidate);
            }
        }
        return List.copyOf(kept);
    }
}
