package io.unimllm.experts.detect;

/**
 * The raw output of a CenterNet head for one image, row-major NHWC without the batch axis.
 *
 * @param height heatmap rows
 * @param width heatmap columns
 * @param classes heatmap channels (one per class)
 * @param stride input pixels per heatmap cell
 * @param heatmap {@code height * width * classes} centre scores in [0, 1]
 * @param distances {@code height * width * 4} distances (left, top, right, bottom) in input pixels from the cell
 *     centre {@code (stride * x, stride * y)} to the box edges
 */
public record CenterNetHead(int height, int width, int classes, int stride, float[] heatmap, float[] distances) {
    /**
     * Checks the dimensions against the arrays, which are kept as given (not copied).
     *
     * @param height heatmap rows
     * @param width heatmap columns
     * @param classes heatmap channels
     * @param stride input pixels per heatmap cell
     * @param heatmap centre scores, {@code height * width * classes} values
     * @param distances box edge distances, {@code height * width * 4} values
     * @throws IllegalArgumentException when a dimension is not positive or an array has the wrong length
     */
    public CenterNetHead {
        if (height <= 0 || width <= 0 || classes <= 0 || stride <= 0) {
            throw new IllegalArgumentException("CenterNet head dimensions must be positive: " + height + "x" + width
                    + "x" + classes + ", stride " + stride);
        }
        if (heatmap.length != (long) height * width * classes) {
            throw new IllegalArgumentException("CenterNet heatmap of " + height + "x" + width + "x" + classes
                    + " needs " + (long) height * width * classes + " values, got " + heatmap.length);
        }
        if (distances.length != (long) height * width * 4) {
            throw new IllegalArgumentException("CenterNet box distances of " + height + "x" + width + "x4 need "
                    + (long) height * width * 4 + " values, got " + distances.length);
        }
    }
}
