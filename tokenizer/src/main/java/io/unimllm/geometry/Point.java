package io.unimllm.geometry;

/** A point in pixels of the original image. */
public record Point(double x, double y) implements Geometry {
    public Point {
        if (!(Double.isFinite(x) && Double.isFinite(y))) {
            throw new IllegalArgumentException("point coordinates must be finite: " + x + "," + y);
        }
    }
}
