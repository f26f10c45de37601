package io.unimllm.geometry;

import java.util.Arrays;

/**
 * A binary mask over the whole original image, row-major, {@code true} where the region is.
 *
 * @param width image width in pixels
 * @param height image height in pixels
 * @param bits {@code width * height} flags, row-major
 */
public record Mask(int width, int height, boolean[] bits) {
    /**
     * Checks the size and copies {@code bits}, so later changes to the caller's array do not reach the mask.
     *
     * @param width image width in pixels
     * @param height image height in pixels
     * @param bits {@code width * height} flags, row-major
     * @throws IllegalArgumentException when the size is not positive or {@code bits} does not hold
     *     {@code width * height} flags
     */
    public Mask {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("mask size must be positive: " + width + "x" + height);
        }
        if (bits.length != (long) width * height) {
            throw new IllegalArgumentException("mask of " + width + "x" + height + " needs " + (long) width * height
                    + " flags, got " + bits.length);
        }
        bits = bits.clone();
    }

    /**
     * The flags, row-major.
     *
     * @return a copy of the {@code width * height} flags (the mask is immutable)
     */
    @Override
    public boolean[] bits() {
        return bits.clone();
    }

    /**
     * Whether one pixel belongs to the region. The coordinates are not checked one by one (an {@code x} past the
     * row's end reads the next row), so keep them inside the mask.
     *
     * @param x the pixel's column, {@code 0 <= x < width}
     * @param y the pixel's row, {@code 0 <= y < height}
     * @return {@code true} where the region is
     */
    public boolean get(int x, int y) {
        return bits[y * width + x];
    }

    /**
     * The region's size.
     *
     * @return the number of pixels set
     */
    public long area() {
        long n = 0;
        for (boolean b : bits) {
            if (b) {
                n++;
            }
        }
        return n;
    }

    /**
     * Intersection over union with a mask of the same size.
     *
     * @param other a mask of the same width and height
     * @return the number of pixels set in both divided by the number set in either, in {@code [0, 1]}; 0 when both
     *     are empty
     * @throws IllegalArgumentException when the masks differ in size
     */
    public double iou(Mask other) {
        if (other.width != width || other.height != height) {
            throw new IllegalArgumentException("masks differ in size: " + width + "x" + height + " vs "
                    + other.width + "x" + other.height);
        }
        long inter = 0, union = 0;
        for (int i = 0; i < bits.length; i++) {
            inter += bits[i] && other.bits[i] ? 1 : 0;
            union += bits[i] || other.bits[i] ? 1 : 0;
        }
        return union == 0 ? 0 : (double) inter / union;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask m && m.width == width && m.height == height && Arrays.equals(bits, m.bits);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return "Mask[" + width + "x" + height + ", area=" + area() + "]";
    }
}
