package io.unimllm.core.image;

/**
 * Separable bicubic resampling of 8-bit RGB with the same filter, support scaling and per-pass rounding as PIL's
 * {@code Image.resize(..., BICUBIC)}, so that Java preprocessing matches the Python processors models were trained
 * with (to within one grey level).
 */
final class Resampler {
    private static final double A = -0.5;

    private Resampler() {
    }

    /** Resizes packed RGB ({@code rgb[y*w+x] = 0xRRGGBB}). */
    static int[] resize(int[] rgb, int w, int h, int outW, int outH) {
        int[] cur = rgb;
        int cw = w;
        if (outW != w) {
            cur = pass(cur, w, h, outW, true);
            cw = outW;
        }
        if (outH != h) {
            cur = pass(cur, cw, h, outH, false);
        }
        return cur == rgb ? rgb.clone() : cur;
    }

    private static int[] pass(int[] src, int w, int h, int outSize, boolean horizontal) {
        int inSize = horizontal ? w : h;
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 2.0 * filterScale;
        int[] start = new int[outSize];
        double[][] weights = new double[outSize][];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize);
            double[] k = new double[xmax - xmin];
            double sum = 0;
            for (int x = 0; x < k.length; x++) {
                k[x] = cubic((x + xmin - center + 0.5) / filterScale);
                sum += k[x];
            }
            for (int x = 0; x < k.length; x++) {
                k[x] = sum == 0 ? 0 : k[x] / sum;
            }
            start[o] = xmin;
            weights[o] = k;
        }
        int ow = horizontal ? outSize : w;
        int oh = horizontal ? h : outSize;
        int[] out = new int[ow * oh];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int o = horizontal ? x : y;
                double r = 0;
                double g = 0;
                double b = 0;
                double[] k = weights[o];
                for (int i = 0; i < k.length; i++) {
                    int s = start[o] + i;
                    int p = horizontal ? src[y * w + s] : src[s * w + x];
                    r += k[i] * ((p >> 16) & 0xff);
                    g += k[i] * ((p >> 8) & 0xff);
                    b += k[i] * (p & 0xff);
                }
                out[y * ow + x] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
            }
        }
        return out;
    }

    private static int clip8(double v) {
        long r = Math.round(v);
        return (int) Math.max(0, Math.min(255, r));
    }

    private static double cubic(double x) {
        x = Math.abs(x);
        if (x < 1) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * A;
        }
        return 0;
    }
}
