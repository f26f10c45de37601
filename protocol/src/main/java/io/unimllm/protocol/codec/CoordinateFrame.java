package io.unimllm.protocol.codec;

import java.util.Locale;
import java.util.Objects;

/**
 * The coordinate frame a model writes its numbers in, separate from the syntax that writes them: Qwen2.5-VL and
 * Qwen3-VL print the same {@code bbox_2d} JSON, the first in pixels of its resized input, the second in thousandths of
 * the image. Most frames are grids with their 0 on the top or left edge: a code {@code q} is the pixel
 * {@code q * size / divisor} of the original image, and a pixel {@code v} encodes to
 * {@code round(v / size * divisor)}, clamped to {@code 0..max} (rounded to {@code decimals} places for frames that
 * write decimals); decoding then encoding moves a coordinate by at most half a step, {@code size / divisor / 2}.
 * {@link Bins} frames (unimllm, Florence-2) number equal bins instead: {@code q} is the bin centre
 * {@code (q + 0.5) * size / n}, a pixel encodes to {@code floor(v / size * n)}.
 */
public sealed interface CoordinateFrame
        permits CoordinateFrame.Normalized, CoordinateFrame.ResizedPixels, CoordinateFrame.Bins {

    /**
     * The frame's scale for one image.
     *
     * @param imageWidth the original image's width in pixels
     * @param imageHeight the original image's height in pixels
     * @return divisors and ranges of the two axes
     * @throws IllegalArgumentException when the size is not positive, or the frame's resize rule refuses it
     */
    Scale scale(int imageWidth, int imageHeight);

    /**
     * One line for docs and messages, e.g. {@code "0..1000 of the image"}.
     *
     * @return the frame in words
     */
    String describe();

    /**
     * Codes relative to the image: {@code q * size / divisor}, codes {@code 0..max}.
     *
     * @param divisor the code that lands on the right or bottom edge (1000 for thousandths, 100 for percent)
     * @param max the largest code the dialect writes ({@code divisor} itself, or {@code divisor - 1} for dialects
     *     that write at most three digits)
     * @param decimals decimal places the dialect writes (0 for integers)
     */
    record Normalized(int divisor, int max, int decimals) implements CoordinateFrame {
        /**
         * Checks the frame.
         *
         * @param divisor the code on the far edge
         * @param max the largest code
         * @param decimals decimal places written
         * @throws IllegalArgumentException when {@code divisor} or {@code max} is not positive or {@code decimals}
         *     is outside {@code 0..6}
         */
        public Normalized {
            if (divisor <= 0 || max <= 0 || decimals < 0 || decimals > 6) {
                throw new IllegalArgumentException("bad normalized frame: divisor " + divisor + ", max " + max
                        + ", decimals " + decimals);
            }
        }

        /**
         * Integers {@code 0..divisor}.
         *
         * @param divisor the code on the far edge
         * @return the frame
         */
        public static Normalized of(int divisor) {
            return new Normalized(divisor, divisor, 0);
        }

        @Override
        public Scale scale(int imageWidth, int imageHeight) {
            Quantizer.checkSize(imageWidth, imageHeight);
            return new Scale(imageWidth, imageHeight, divisor, divisor, max, max, decimals, false);
        }

        @Override
        public String describe() {
            String range = "0.." + max + (decimals > 0 ? " (" + decimals + " decimal" + (decimals > 1 ? "s" : "")
                    + ")" : "");
            return max == divisor ? range + " of the image" : range + ", divided by " + divisor;
        }
    }

    /**
     * Absolute pixels of the image as the model's preprocessor resized it: {@code q * size / resized}, codes
     * {@code 0..resized} (integers).
     *
     * @param rule how the model resizes the original image
     */
    record ResizedPixels(ResizeRule rule) implements CoordinateFrame {
        /**
         * Checks the rule is present.
         *
         * @param rule how the model resizes the original image
         * @throws NullPointerException when {@code rule} is null
         */
        public ResizedPixels {
            Objects.requireNonNull(rule, "rule");
        }

        @Override
        public Scale scale(int imageWidth, int imageHeight) {
            ResizeRule.Size r = rule.apply(imageWidth, imageHeight);
            return new Scale(imageWidth, imageHeight, r.width(), r.height(), r.width(), r.height(), 0, false);
        }

        @Override
        public String describe() {
            return "absolute pixels of the resized input (" + rule + ")";
        }
    }

    /**
     * {@code n} equal bins per side, numbered {@code 0..n-1}: a code is its bin's centre {@code (q + 0.5) * size / n}.
     *
     * @param n bins per image side
     */
    record Bins(int n) implements CoordinateFrame {
        /**
         * Checks the frame.
         *
         * @param n bins per image side
         * @throws IllegalArgumentException when {@code n} is not positive
         */
        public Bins {
            if (n <= 0) {
                throw new IllegalArgumentException("bins must be positive: " + n);
            }
        }

        @Override
        public Scale scale(int imageWidth, int imageHeight) {
            return new Scale(imageWidth, imageHeight, n, n, n - 1, n - 1, 0, true);
        }

        @Override
        public String describe() {
            return n + " bins (0.." + (n - 1) + ") of the image, decoded to bin centres";
        }
    }

    /**
     * A frame applied to one image: converts between codes and pixels of the original image.
     *
     * @param width the original image's width in pixels
     * @param height the original image's height in pixels
     * @param divisorX the x code on the right edge
     * @param divisorY the y code on the bottom edge
     * @param maxX the largest x code
     * @param maxY the largest y code
     * @param decimals decimal places codes are written with
     * @param binCentres whether codes number bins (decoded to their centres) rather than grid lines
     */
    record Scale(int width, int height, double divisorX, double divisorY, double maxX, double maxY, int decimals,
            boolean binCentres) {
        /**
         * Checks the scale.
         *
         * @param width the original image's width
         * @param height the original image's height
         * @param divisorX the x code on the right edge
         * @param divisorY the y code on the bottom edge
         * @param maxX the largest x code
         * @param maxY the largest y code
         * @param decimals decimal places
         * @param binCentres whether codes number bins
         * @throws IllegalArgumentException when a size or divisor is not positive
         */
        public Scale {
            Quantizer.checkSize(width, height);
            if (!(divisorX > 0 && divisorY > 0 && maxX >= 0 && maxY >= 0)) {
                throw new IllegalArgumentException("frame divisors must be positive: " + divisorX + ", " + divisorY);
            }
        }

        /**
         * The x pixel of a code.
         *
         * @param code an x code, within {@code 0..maxX}
         * @return {@code code * width / divisorX} ({@code (code + 0.5) * ...} for bins)
         */
        public double pixelX(double code) {
            return (binCentres ? code + 0.5 : code) * width / divisorX;
        }

        /**
         * The y pixel of a code.
         *
         * @param code a y code, within {@code 0..maxY}
         * @return {@code code * height / divisorY} ({@code (code + 0.5) * ...} for bins)
         */
        public double pixelY(double code) {
            return (binCentres ? code + 0.5 : code) * height / divisorY;
        }

        /**
         * The code of an x pixel.
         *
         * @param pixel an x coordinate in pixels of the original image
         * @return {@code round(pixel / width * divisorX)} to {@link #decimals()} places (the floor for bins), clamped
         *     to {@code 0..maxX}
         */
        public double codeX(double pixel) {
            return code(pixel / width * divisorX, maxX);
        }

        /**
         * The code of a y pixel.
         *
         * @param pixel a y coordinate in pixels of the original image
         * @return {@code round(pixel / height * divisorY)} to {@link #decimals()} places (the floor for bins), clamped
         *     to {@code 0..maxY}
         */
        public double codeY(double pixel) {
            return code(pixel / height * divisorY, maxY);
        }

        private double code(double v, double max) {
            double p = Math.pow(10, decimals);
            double r = binCentres ? Math.floor(v) : Math.round(v * p) / p;
            return Math.max(0, Math.min(max, r));
        }

        /**
         * A code as the dialect writes it.
         *
         * @param code a code from {@link #codeX} or {@link #codeY}
         * @return the integer, or the number with {@link #decimals()} places
         */
        public String format(double code) {
            return decimals == 0 ? Long.toString(Math.round(code))
                    : String.format(Locale.ROOT, "%." + decimals + "f", code);
        }
    }
}
