package io.unimllm.protocol.codec;

/**
 * Maps pixel coordinates to integer codes and back. Two conventions occur in the dialects:
 * <ul>
 *   <li><b>bins</b>: {@code n} equal bins over the image side; encode {@code q = floor(v / size * n)} clamped to
 *       {@code 0..n-1}, decode to the bin centre {@code (q + 0.5) * size / n} (unimllm, Florence-2);</li>
 *   <li><b>grid</b>: {@code n + 1} grid lines, {@code 0} and {@code n} on the image edges; encode
 *       {@code round(v / size * n)} clamped to {@code 0..max}, decode {@code q * size / n} (Qwen-VL, PaliGemma).</li>
 * </ul>
 */
final class Quantizer {
    private Quantizer() {}

    static int bin(double v, int size, int n) {
        return clamp((int) Math.floor(v / size * n), 0, n - 1);
    }

    static double binCentre(long q, int size, int n) {
        return (q + 0.5) * size / n;
    }

    static int gridRound(double v, int size, int n, int max) {
        return clamp((int) Math.round(v / size * n), 0, max);
    }

    static double gridValue(long q, int size, int n) {
        return (double) q * size / n;
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    static void checkSize(int imageWidth, int imageHeight) {
        if (imageWidth <= 0 || imageHeight <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + imageWidth + "x" + imageHeight);
        }
    }
}
