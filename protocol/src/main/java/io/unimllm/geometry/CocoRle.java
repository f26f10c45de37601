package io.unimllm.geometry;

import java.util.Arrays;
import java.util.Objects;

/**
 * A binary mask in COCO's compressed run-length encoding, as pycocotools' {@code mask.encode} writes it: runs over
 * the pixels in column-major order (down the first column, then the next), starting with a run of zeros (possibly
 * empty), each run from the fourth on stored as its difference to the run two before, written in a
 * LEB128-like string of 5-bit groups offset by 48. {@code pycocotools.mask.decode({"size": [h, w], "counts": s})}
 * reads it back.
 *
 * @param height the mask's height in pixels ({@code size[0]})
 * @param width the mask's width in pixels ({@code size[1]})
 * @param counts the compressed runs
 */
public record CocoRle(int height, int width, String counts) {
    /**
     * Checks the size and the counts.
     *
     * @param height the mask's height
     * @param width the mask's width
     * @param counts the compressed runs
     * @throws IllegalArgumentException when the size is not positive or the runs do not cover {@code height * width}
     *     pixels
     */
    public CocoRle {
        Objects.requireNonNull(counts, "counts");
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("RLE size must be positive: " + height + "x" + width);
        }
        long total = Arrays.stream(runs(counts)).asLongStream().sum();
        if (total != (long) height * width) {
            throw new IllegalArgumentException("RLE runs cover " + total + " pixels, the " + height + "x" + width
                    + " mask has " + (long) height * width);
        }
    }

    /**
     * Encodes a mask.
     *
     * @param mask the mask
     * @return its compressed RLE
     */
    public static CocoRle of(Mask mask) {
        int h = mask.height();
        int w = mask.width();
        int[] runs = new int[16];
        int n = 0;
        int run = 0;
        boolean value = false;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                if (mask.get(x, y) != value) {
                    if (n == runs.length - 1) {
                        runs = Arrays.copyOf(runs, runs.length * 2);
                    }
                    runs[n++] = run;
                    run = 0;
                    value = !value;
                }
                run++;
            }
        }
        runs[n++] = run;
        return new CocoRle(h, w, compress(Arrays.copyOf(runs, n)));
    }

    /**
     * Decodes to a mask.
     *
     * @return the mask
     */
    public Mask toMask() {
        boolean[] bits = new boolean[height * width];
        int pixel = 0;
        boolean value = false;
        for (int run : runs(counts)) {
            for (int i = 0; i < run; i++, pixel++) {
                int x = pixel / height;
                int y = pixel % height;
                bits[y * width + x] = value;
            }
            value = !value;
        }
        return new Mask(width, height, bits);
    }

    /**
     * The runs, uncompressed: alternately zeros and ones, starting with zeros.
     *
     * @return the run lengths
     */
    public int[] runs() {
        return runs(counts);
    }

    /** pycocotools' rleToString. */
    static String compress(int[] runs) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < runs.length; i++) {
            long x = runs[i];
            if (i > 2) {
                x -= runs[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                s.append((char) (c + 48));
            }
        }
        return s.toString();
    }

    /** pycocotools' rleFrString. */
    static int[] runs(String counts) {
        int[] runs = new int[counts.length()];
        int m = 0;
        int p = 0;
        while (p < counts.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= counts.length() || k > 6) {
                    throw new IllegalArgumentException("RLE counts hold a malformed number ending at char " + p);
                }
                int c = counts.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException("RLE counts hold '" + counts.charAt(p) + "' at char " + p
                            + ", outside '0'..'o'");
                }
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += runs[m - 2];
            }
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("RLE run " + m + " is " + x + ", not a pixel count");
            }
            runs[m++] = (int) x;
        }
        return Arrays.copyOf(runs, m);
    }
}
