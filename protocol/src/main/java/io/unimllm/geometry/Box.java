package io.unimllm.geometry;

/**
 * An axis-aligned box {@code [x1, x2) x [y1, y2)} in pixels of the original image.
 *
 * @param x1 left edge
 * @param y1 top edge
 * @param x2 right edge, {@code >= x1}
 * @param y2 bottom edge, {@code >= y1}
 */
public record Box(double x1, double y1, double x2, double y2) implements Geometry {
    /**
     * Checks the box.
     *
     * @param x1 left edge
     * @param y1 top edge
     * @param x2 right edge
     * @param y2 bottom edge
     * @throws IllegalArgumentException when a coordinate is not finite, or {@code x2 < x1} or {@code y2 < y1}
     */
    public Box {
        if (!(Double.isFinite(x1) && Double.isFinite(y1) && Double.isFinite(x2) && Double.isFinite(y2))) {
            throw new IllegalArgumentException("box coordinates must be finite: " + x1 + "," + y1 + "," + x2 + ","
                    + y2);
        }
        if (x2 < x1 || y2 < y1) {
            throw new IllegalArgumentException("box needs x1 <= x2 and y1 <= y2: " + x1 + "," + y1 + "," + x2 + ","
                    + y2);
        }
    }

    /**
     * The extent along x.
     *
     * @return {@code x2 - x1}, in pixels
     */
    public double width() {
        return x2 - x1;
    }

    /**
     * The extent along y.
     *
     * @return {@code y2 - y1}, in pixels
     */
    public double height() {
        return y2 - y1;
    }

    /**
     * The area covered.
     *
     * @return {@code width() * height()}, in square pixels
     */
    public double area() {
        return width() * height();
    }

    /**
     * Intersection over union with another box.
     *
     * @param other the other box
     * @return the area of the intersection divided by the area of the union, in {@code [0, 1]}; 0 when the union is
     *     empty
     */
    public double iou(Box other) {
        double iw = Math.max(0, Math.min(x2, other.x2) - Math.max(x1, other.x1));
        double ih = Math.max(0, Math.min(y2, other.y2) - Math.max(y1, other.y1));
        double inter = iw * ih;
        double union = area() + other.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /**
     * This box clipped to an image of the given size.
     *
     * @param imageWidth the image width in pixels
     * @param imageHeight the image height in pixels
     * @return the part of this box inside {@code (0, 0, imageWidth, imageHeight)}; empty (zero width or height) when
     *     they do not overlap
     */
    public Box clip(int imageWidth, int imageHeight) {
        double cx1 = Math.min(Math.max(x1, 0), imageWidth);
        double cy1 = Math.min(Math.max(y1, 0), imageHeight);
        double cx2 = Math.min(Math.max(x2, 0), imageWidth);
        double cy2 = Math.min(Math.max(y2, 0), imageHeight);
        return new Box(cx1, cy1, cx2, cy2);
    }
}
