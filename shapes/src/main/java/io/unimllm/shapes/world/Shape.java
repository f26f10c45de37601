package io.unimllm.shapes.world;

import io.unimllm.geometry.Box;

/**
 * One shape of a scene.
 *
 * @param kind circle, square or triangle
 * @param colour its colour
 * @param cx centre x in pixels
 * @param cy centre y in pixels
 * @param radius half the side / the radius in pixels
 * @param large size class used in referring expressions
 */
public record Shape(ShapeKind kind, Palette colour, double cx, double cy, double radius, boolean large) {
    /**
     * Whether a pixel belongs to the shape, judged at its centre (x + 0.5, y + 0.5).
     *
     * @param x the pixel's column
     * @param y the pixel's row
     * @return true when the pixel's centre is inside the shape
     */
    public boolean contains(int x, int y) {
        double px = x + 0.5 - cx;
        double py = y + 0.5 - cy;
        return switch (kind) {
            case CIRCLE -> px * px + py * py <= radius * radius;
            case SQUARE -> Math.abs(px) <= radius && Math.abs(py) <= radius;
            case TRIANGLE -> {
                // apex up, base at cy + radius, apex at cy - radius
                double t = (py + radius) / (2 * radius);
                yield t >= 0 && t <= 1 && Math.abs(px) <= t * radius;
            }
        };
    }

    /**
     * Tight half-open pixel box of the pixels {@link #contains} accepts within an image.
     *
     * @param width the image's width in pixels
     * @param height the image's height in pixels
     * @return the box
     */
    public Box box(int width, int height) {
        int x1 = Integer.MAX_VALUE;
        int y1 = Integer.MAX_VALUE;
        int x2 = -1;
        int y2 = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (contains(x, y)) {
                    x1 = Math.min(x1, x);
                    y1 = Math.min(y1, y);
                    x2 = Math.max(x2, x);
                    y2 = Math.max(y2, y);
                }
            }
        }
        return new Box(x1, y1, x2 + 1, y2 + 1);
    }

    /**
     * The shape's name in instructions and answers.
     *
     * @return colour and kind, e.g. {@code red circle}
     */
    public String name() {
        return colour.word() + " " + kind.word();
    }
}
