package io.unimllm.training.data;

import io.unimllm.geometry.Mask;

/**
 * The mask-prompt head's target: one point inside a target mask. The mask's centroid (over pixel centres) when the
 * pixel under it belongs to the mask; otherwise (rings, L shapes, crescents, whose centroid may lie outside) the centre
 * of the mask pixel nearest to the centroid. A point prompt there always seeds the object.
 */
public final class MaskPointTarget {
    private MaskPointTarget() {
    }

    /**
     * The target point in pixels.
     *
     * @param mask the target mask
     * @return {@code {x, y}} in pixels, or null for an empty mask
     */
    public static double[] pixels(Mask mask) {
        int w = mask.width();
        int h = mask.height();
        boolean[] bits = mask.bits();
        double sx = 0;
        double sy = 0;
        long n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (bits[y * w + x]) {
                    sx += x + 0.5;
                    sy += y + 0.5;
                    n++;
                }
            }
        }
        if (n == 0) {
            return null;
        }
        double cx = sx / n;
        double cy = sy / n;
        int px = Math.min(w - 1, (int) Math.floor(cx));
        int py = Math.min(h - 1, (int) Math.floor(cy));
        if (bits[py * w + px]) {
            return new double[] {cx, cy};
        }
        double best = Double.POSITIVE_INFINITY;
        double[] out = null;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (bits[y * w + x]) {
                    double d = (x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy);
                    if (d < best) {
                        best = d;
                        out = new double[] {x + 0.5, y + 0.5};
                    }
                }
            }
        }
        return out;
    }

    /**
     * The target point normalised by the mask's size.
     *
     * @param mask the target mask
     * @return {@code {x / width, y / height}} in [0, 1], or null for an empty mask
     */
    public static float[] normalised(Mask mask) {
        double[] p = pixels(mask);
        return p == null ? null : new float[] {(float) (p[0] / mask.width()), (float) (p[1] / mask.height())};
    }
}
