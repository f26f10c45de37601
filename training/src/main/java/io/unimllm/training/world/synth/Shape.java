package io.unimllm.training.world.synth;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import java.util.Objects;

/**
 * One shape in a scene.
 *
 * @param kind circle, square or triangle
 * @param color fill colour
 * @param size small or large
 * @param cx centre x in pixels
 * @param cy centre y in pixels
 * @param halfExtent half the side of the shape's bounding square in pixels
 */
public record Shape(ShapeKind kind, ShapeColor color, ShapeSize size, double cx, double cy, double halfExtent) {
    public Shape {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(size, "size");
        if (!(halfExtent > 0)) {
            throw new IllegalArgumentException("shape half-extent must be positive: " + halfExtent);
        }
    }

    /** This shape with another colour. */
    public Shape withColor(ShapeColor newColor) {
        return new Shape(kind, newColor, size, cx, cy, halfExtent);
    }

    /** Whether the centre of pixel {@code (x, y)} lies inside the shape; this is what is painted. */
    public boolean covers(int x, int y) {
        return kind.contains(x + 0.5 - cx, y + 0.5 - cy, halfExtent);
    }

    /** The exact set of pixels this shape paints on a {@code imageSize x imageSize} image. */
    public Mask mask(int imageSize) {
        boolean[] bits = new boolean[imageSize * imageSize];
        for (int y = 0; y < imageSize; y++) {
            for (int x = 0; x < imageSize; x++) {
                bits[y * imageSize + x] = covers(x, y);
            }
        }
        return new Mask(imageSize, imageSize, bits);
    }

    /** The tight half-open pixel box {@code [x1,x2) x [y1,y2)} around the painted pixels. */
    public Box box(int imageSize) {
        int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
        for (int y = 0; y < imageSize; y++) {
            for (int x = 0; x < imageSize; x++) {
                if (covers(x, y)) {
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (maxX < 0) {
            throw new IllegalStateException("shape paints no pixel on a " + imageSize + " px image: " + this);
        }
        return new Box(minX, minY, maxX + 1, maxY + 1);
    }

    /** Whether the bounding squares of the two shapes, grown by {@code margin} pixels, intersect. */
    boolean overlaps(Shape other, double margin) {
        double reach = halfExtent + other.halfExtent + margin;
        return Math.abs(cx - other.cx) < reach && Math.abs(cy - other.cy) < reach;
    }
}
