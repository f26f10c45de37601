package io.unimllm.geometry;

/**
 * A point in pixels of the original image.
 *
 * @param x distance from the left edge
 * @param y distance from the top edge
 */
public record Point(double x, double y) implements Geometry {
    /**
     * Checks the point.
     *
     * @param x distance from the left edge
     * @param y distance from the top edge
     * @throws IllegalArgumentException when a coordinate is not finite
     */
    public Point {
        if (!(Double.isFinite(x) && Double.isFinite(y))) {
            throw new IllegalArgumentException("point coordinates must be finite: " + x + "," + y);
        }
    }
}
