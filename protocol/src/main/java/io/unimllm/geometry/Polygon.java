package io.unimllm.geometry;

import java.util.List;

/**
 * A closed polygon (the last vertex connects back to the first) in pixels of the original image.
 *
 * @param vertices the corners in drawing order, at least 3; copied, so the list is unmodifiable
 */
public record Polygon(List<Point> vertices) implements Geometry {
    /**
     * Copies the vertices.
     *
     * @param vertices the corners in drawing order
     * @throws IllegalArgumentException when there are fewer than 3 vertices
     */
    public Polygon {
        vertices = List.copyOf(vertices);
        if (vertices.size() < 3) {
            throw new IllegalArgumentException("a polygon needs at least 3 vertices, got " + vertices.size());
        }
    }

    /**
     * The tightest box around the vertices.
     *
     * @return the box from the smallest to the largest vertex coordinates
     */
    public Box bounds() {
        double x1 = Double.MAX_VALUE, y1 = Double.MAX_VALUE, x2 = -Double.MAX_VALUE, y2 = -Double.MAX_VALUE;
        for (Point p : vertices) {
            x1 = Math.min(x1, p.x());
            y1 = Math.min(y1, p.y());
            x2 = Math.max(x2, p.x());
            y2 = Math.max(y2, p.y());
        }
        return new Box(x1, y1, x2, y2);
    }
}
