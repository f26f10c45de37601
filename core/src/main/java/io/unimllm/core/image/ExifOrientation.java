package io.unimllm.core.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 of IFD0 in its {@code APP1 "Exif"} segment) and the transform that makes
 * the image upright: 1 as stored, 2 mirrored, 3 turned 180 degrees, 4 flipped, 5 transposed, 6 turned 90 degrees
 * clockwise, 7 transversed, 8 turned 90 degrees anticlockwise. A missing or malformed tag reads as 1: metadata never
 * fails a decode.
 */
final class ExifOrientation {
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    private ExifOrientation() {
    }

    /** The orientation of a JPEG file's bytes, 1 to 8; 1 when there is none. */
    static int read(byte[] jpeg) {
        if (jpeg.length < 4 || u8(jpeg, 0) != 0xFF || u8(jpeg, 1) != 0xD8) {
            return 1;
        }
        int p = 2;
        while (p + 4 <= jpeg.length && u8(jpeg, p) == 0xFF) {
            int marker = u8(jpeg, p + 1);
            if (marker == 0xFF) { // fill byte
                p++;
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) { // markers without a length
                p += 2;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) { // start of scan, end of image: no metadata after this
                return 1;
            }
            int length = u16(jpeg, p + 2, true);
            if (length < 2 || p + 2 + length > jpeg.length) {
                return 1;
            }
            if (marker == 0xE1 && length >= 16 && jpeg[p + 4] == 'E' && jpeg[p + 5] == 'x' && jpeg[p + 6] == 'i'
                    && jpeg[p + 7] == 'f' && jpeg[p + 8] == 0 && jpeg[p + 9] == 0) {
                int orientation = fromTiff(jpeg, p + 10, p + 2 + length);
                if (orientation != 0) {
                    return orientation;
                }
            }
            p += 2 + length;
        }
        return 1;
    }

    /** The orientation in a TIFF structure at {@code [start, end)}, or 0 when it has none. */
    private static int fromTiff(byte[] b, int start, int end) {
        if (end - start < 8) {
            return 0;
        }
        boolean bigEndian;
        if (b[start] == 'M' && b[start + 1] == 'M') {
            bigEndian = true;
        } else if (b[start] == 'I' && b[start + 1] == 'I') {
            bigEndian = false;
        } else {
            return 0;
        }
        if (u16(b, start + 2, bigEndian) != 42) {
            return 0;
        }
        long ifd = start + u32(b, start + 4, bigEndian);
        if (ifd < start + 8 || ifd + 2 > end) {
            return 0;
        }
        int entries = u16(b, (int) ifd, bigEndian);
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + 12 * i;
            if (e + 12 > end) {
                return 0;
            }
            if (u16(b, e, bigEndian) == TAG_ORIENTATION && u16(b, e + 2, bigEndian) == TYPE_SHORT
                    && u32(b, e + 4, bigEndian) == 1) {
                int value = u16(b, e + 8, bigEndian);
                return value >= 1 && value <= 8 ? value : 0;
            }
        }
        return 0;
    }

    /**
     * The image as it is to be shown under an orientation: the same image for 1, else a new image of the same type
     * (sizes swapped for 5 to 8).
     */
    static BufferedImage apply(BufferedImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swap = orientation >= 5;
        boolean reverse = orientation == 2 || orientation == 3 || orientation == 7 || orientation == 8;
        boolean fromBottom = orientation == 3 || orientation == 4 || orientation == 6 || orientation == 7;
        Raster src = image.getRaster();
        WritableRaster dst = src.createCompatibleWritableRaster(swap ? h : w, swap ? w : h);
        int bands = src.getNumBands();
        int[] row = new int[w * bands];
        int[] out = new int[w * bands];
        for (int y = 0; y < h; y++) {
            src.getPixels(0, y, w, 1, row);
            int[] line = row;
            if (reverse) {
                for (int x = 0; x < w; x++) {
                    System.arraycopy(row, x * bands, out, (w - 1 - x) * bands, bands);
                }
                line = out;
            }
            // source row y becomes a display row (1-4) or a display column (5-8), read left to right
            int target = fromBottom ? h - 1 - y : y;
            if (swap) {
                dst.setPixels(target, 0, 1, w, line);
            } else {
                dst.setPixels(0, target, w, 1, line);
            }
        }
        return new BufferedImage(image.getColorModel(), dst, image.isAlphaPremultiplied(), null);
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    private static int u16(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? (u8(b, i) << 8) | u8(b, i + 1) : (u8(b, i + 1) << 8) | u8(b, i);
    }

    private static long u32(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? ((long) u16(b, i, true) << 16) | u16(b, i + 2, true)
                : ((long) u16(b, i + 2, false) << 16) | u16(b, i, false);
    }
}
