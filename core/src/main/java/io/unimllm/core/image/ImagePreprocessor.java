package io.unimllm.core.image;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import io.unimllm.core.ImageException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns an image into the {@code [C, H, W]} float pixel values a CLIP-style vision tower reads: decode (PNG, JPEG,
 * anything ImageIO reads), fit to a square per {@link ResizeMode}, bicubic resize as PIL does, rescale to [0,1] and
 * normalise per channel. Stateless and thread-safe.
 *
 * <p>JPEGs are decoded by TwelveMonkeys' reader, which reads CMYK and YCCK JPEGs (print and Photoshop exports) with
 * their colours, through the embedded ICC profile or a standard CMYK one, where the JDK's reader fails or shifts
 * them; and a JPEG's EXIF orientation (a phone photo taken on its side) is applied, so the image is upright as every
 * viewer shows it, as {@code PIL.ImageOps.exif_transpose} makes it.
 */
public final class ImagePreprocessor {
    /** Images above this many pixels are refused rather than risking an out-of-memory error. */
    public static final long MAX_PIXELS = 100_000_000L;

    private final ImageProcessorConfig config;

    /**
     * A preprocessor for one checkpoint's settings.
     *
     * @param config target size, mode and normalisation
     */
    public ImagePreprocessor(ImageProcessorConfig config) {
        this.config = config;
    }

    /**
     * The configuration in use.
     *
     * @return the configuration given to the constructor
     */
    public ImageProcessorConfig config() {
        return config;
    }

    /**
     * Decodes an image file.
     *
     * @param file the image file
     * @return the decoded image
     * @throws ImageException when the file is missing, empty, not an image format ImageIO knows, corrupt, or has
     *     more than {@link #MAX_PIXELS} pixels
     */
    public static BufferedImage decode(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ImageException("image file not found: " + file);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ImageException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        return decode(bytes, file.toString());
    }

    /**
     * Decodes image bytes.
     *
     * @param bytes the encoded image (PNG, JPEG or another format ImageIO reads)
     * @param source a name for error messages
     * @return the decoded image
     * @throws ImageException when the bytes are not a decodable image, or it is empty or has more than
     *     {@link #MAX_PIXELS} pixels
     */
    public static BufferedImage decode(byte[] bytes, String source) {
        BufferedImage img;
        boolean jpeg;
        try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReaderSpi jpegSpi = stream == null ? null : jpegReader();
            jpeg = jpegSpi != null && jpegSpi.canDecodeInput(stream);
            Iterator<ImageReader> readers = jpeg || stream == null ? null : ImageIO.getImageReaders(stream);
            if (!jpeg && (readers == null || !readers.hasNext())) {
                throw new ImageException("cannot decode image " + source + ": not a PNG, JPEG, GIF or BMP image");
            }
            ImageReader reader = jpeg ? jpegSpi.createReaderInstance() : readers.next();
            try {
                reader.setInput(stream, true, true);
                // Check the size from the header before decoding: a small file can claim gigabytes of pixels.
                checkSize(reader.getWidth(0), reader.getHeight(0), source);
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageException ie) {
                throw ie;
            }
            throw new ImageException("cannot decode image " + source + " (corrupt or truncated): " + e.getMessage(),
                    e);
        }
        checkSize(img, source);
        return jpeg ? ExifOrientation.apply(img, ExifOrientation.read(bytes)) : img;
    }

    /**
     * TwelveMonkeys' JPEG reader from ImageIO's registry, which finds it through its service file; registered here
     * when an application's class path lost that file (a merged jar).
     */
    private static synchronized ImageReaderSpi jpegReader() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        JPEGImageReaderSpi spi = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
        if (spi == null) {
            spi = new JPEGImageReaderSpi();
            registry.registerServiceProvider(spi, ImageReaderSpi.class);
        }
        return spi;
    }

    private static void checkSize(BufferedImage img, String source) {
        checkSize(img.getWidth(), img.getHeight(), source);
    }

    private static void checkSize(int width, int height, String source) {
        if (width <= 0 || height <= 0) {
            throw new ImageException("image " + source + " is empty");
        }
        if ((long) width * height > MAX_PIXELS) {
            throw new ImageException("image " + source + " has " + width + "x" + height + " pixels, more than "
                    + MAX_PIXELS);
        }
    }

    /**
     * Pixel values {@code [3, size, size]} in channel-major order, as {@code pixel_values} of Hugging Face's processor.
     *
     * @param image the decoded image, of any size and aspect ratio
     * @return {@code 3 * size * size} normalised floats, red plane first
     * @throws ImageException when the image is empty or has more than {@link #MAX_PIXELS} pixels
     */
    public float[] toPixelValues(BufferedImage image) {
        checkSize(image, "(in memory)");
        int size = config.size();
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = packedRgb(image);
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

    /**
     * Packed {@code 0xRRGGBB} pixels. Greyscale images copy their grey level into all three channels as PIL's
     * {@code convert("RGB")} does: {@code getRGB} would treat the grey as linear and brighten it to sRGB
     * (grey level 100 became 168).
     */
    static int[] packedRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() != ColorSpace.TYPE_GRAY || cm instanceof IndexColorModel) {
            return image.getRGB(0, 0, w, h, null, 0, w);
        }
        Raster raster = image.getRaster();
        int bits = cm.getComponentSize(0);
        int max = (1 << bits) - 1;
        int[] out = new int[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int v = bits == 8 ? row[x] : (int) Math.round(row[x] * 255.0 / max);
                out[y * w + x] = (v << 16) | (v << 8) | v;
            }
        }
        return out;
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
