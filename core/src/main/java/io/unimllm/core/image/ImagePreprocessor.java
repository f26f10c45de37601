package io.unimllm.core.image;

import io.unimllm.core.ImageException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns an image into the {@code [C, H, W]} float pixel values a CLIP-style vision tower reads: decode (PNG, JPEG,
 * anything ImageIO reads), fit to a square per {@link ResizeMode}, bicubic resize as PIL does, rescale to [0,1] and
 * normalise per channel. Stateless and thread-safe.
 */
public final class ImagePreprocessor {
    /** Images above this many pixels are refused rather than risking an out-of-memory error. */
    public static final long MAX_PIXELS = 100_000_000L;

    private final ImageProcessorConfig config;

    /** @param config target size, mode and normalisation */
    public ImagePreprocessor(ImageProcessorConfig config) {
        this.config = config;
    }

    /** The configuration in use. */
    public ImageProcessorConfig config() {
        return config;
    }

    /**
     * Decodes an image file.
     *
     * @throws ImageException when the file is missing, empty, not an image format ImageIO knows, or corrupt
     */
    public static BufferedImage decode(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ImageException("image file not found: " + file);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return decode(in, file.toString());
        } catch (IOException e) {
            throw new ImageException("cannot read image " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes image bytes.
     *
     * @param source a name for error messages
     * @throws ImageException when the bytes are not a decodable image
     */
    public static BufferedImage decode(byte[] bytes, String source) {
        return decode(new ByteArrayInputStream(bytes), source);
    }

    private static BufferedImage decode(InputStream in, String source) {
        BufferedImage img;
        try {
            img = ImageIO.read(in);
        } catch (IOException | RuntimeException e) {
            throw new ImageException("cannot decode image " + source + " (corrupt or truncated): " + e.getMessage(),
                    e);
        }
        if (img == null) {
            throw new ImageException("cannot decode image " + source + ": not a PNG, JPEG, GIF or BMP image");
        }
        checkSize(img, source);
        return img;
    }

    private static void checkSize(BufferedImage img, String source) {
        if (img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new ImageException("image " + source + " is empty");
        }
        if ((long) img.getWidth() * img.getHeight() > MAX_PIXELS) {
            throw new ImageException("image " + source + " has " + img.getWidth() + "x" + img.getHeight()
                    + " pixels, more than " + MAX_PIXELS);
        }
    }

    /** Pixel values {@code [3, size, size]} in channel-major order. */
    public float[] toPixelValues(BufferedImage image) {
        checkSize(image, "(in memory)");
        int size = config.size();
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        switch (config.mode()) {
            case PAD_TO_SQUARE -> {
                int side = Math.max(w, h);
                if (side != w || side != h) {
                    float[] m = config.mean();
                    int bg = ((int) (m[0] * 255) << 16) | ((int) (m[1] * 255) << 8) | (int) (m[2] * 255);
                    int[] sq = new int[side * side];
                    java.util.Arrays.fill(sq, bg);
                    int ox = (side - w) / 2;
                    int oy = (side - h) / 2;
                    for (int y = 0; y < h; y++) {
                        System.arraycopy(rgb, y * w, sq, (y + oy) * side + ox, w);
                    }
                    rgb = sq;
                    w = side;
                    h = side;
                }
                rgb = Resampler.resize(rgb, w, h, size, size);
            }
            case STRETCH -> rgb = Resampler.resize(rgb, w, h, size, size);
            case SHORTEST_EDGE_CENTER_CROP -> {
                int nw;
                int nh;
                if (w <= h) {
                    nw = size;
                    nh = (int) ((long) size * h / w);
                } else {
                    nh = size;
                    nw = (int) ((long) size * w / h);
                }
                int[] resized = Resampler.resize(rgb, w, h, nw, nh);
                int top = (nh - size) / 2;
                int left = (nw - size) / 2;
                rgb = new int[size * size];
                for (int y = 0; y < size; y++) {
                    System.arraycopy(resized, (y + top) * nw + left, rgb, y * size, size);
                }
            }
            default -> throw new IllegalStateException();
        }
        return normalise(rgb, size);
    }

    private float[] normalise(int[] rgb, int size) {
        float[] mean = config.mean();
        float[] std = config.std();
        float rescale = config.rescaleFactor();
        int plane = size * size;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            out[i] = (((p >> 16) & 0xff) * rescale - mean[0]) / std[0];
            out[plane + i] = (((p >> 8) & 0xff) * rescale - mean[1]) / std[1];
            out[2 * plane + i] = ((p & 0xff) * rescale - mean[2]) / std[2];
        }
        return out;
    }
}
