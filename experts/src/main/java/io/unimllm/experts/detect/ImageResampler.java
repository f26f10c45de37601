package io.unimllm.experts.detect;

import java.awt.image.BufferedImage;
import java.util.Objects;

/** Resizes images into the float pixel arrays vision models take. */
public final class ImageResampler {
    private ImageResampler() {}

    /**
     * Bilinear resize to {@code width x height} as TensorFlow's {@code ResizeBilinear} with
     * {@code align_corners=false, half_pixel_centers=false} does (the preprocessing TF.js models were used with):
     * source coordinate = destination * (in / out), no antialiasing.
     *
     * @param image the source image
     * @param width the target width in pixels
     * @param height the target height in pixels
     * @return row-major HWC RGB values in 0..255 (alpha dropped), {@code height * width * 3} floats
     * @throws IllegalArgumentException when the target size is not positive
     */
    public static float[] resizeRgbLegacyBilinear(BufferedImage image, int width, int height) {
        Objects.requireNonNull(image, "image");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive: " + width + "x" + height);
        }
        int iw = image.getWidth(), ih = image.getHeight();
        int[] argb = image.getRGB(0, 0, iw, ih, null, 0, iw);
        float[] out = new float[width * height * 3];
        double sy = (double) ih / height, sx = (double) iw / width;
        int[] x0 = new int[width], x1 = new int[width];
        float[] fx = new float[width];
        for (int x = 0; x < width; x++) {
            double src = x * sx;
            x0[x] = Math.min((int) Math.floor(src), iw - 1);
            x1[x] = Math.min(x0[x] + 1, iw - 1);
            fx[x] = (float) (src - x0[x]);
        }
        for (int y = 0; y < height; y++) {
            double src = y * sy;
            int y0 = Math.min((int) Math.floor(src), ih - 1);
            int y1 = Math.min(y0 + 1, ih - 1);
            float fy = (float) (src - y0);
            for (int x = 0; x < width; x++) {
                int a = argb[y0 * iw + x0[x]], b = argb[y0 * iw + x1[x]];
                int c = argb[y1 * iw + x0[x]], d = argb[y1 * iw + x1[x]];
                int o = (y * width + x) * 3;
                for (int ch = 0; ch < 3; ch++) {
                    int shift = 16 - 8 * ch;
                    float top = lerp((a >> shift) & 0xff, (b >> shift) & 0xff, fx[x]);
                    float bot = lerp((c >> shift) & 0xff, (d >> shift) & 0xff, fx[x]);
                    out[o + ch] = lerp(top, bot, fy);
                }
            }
        }
        return out;
    }

    private static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }
}
