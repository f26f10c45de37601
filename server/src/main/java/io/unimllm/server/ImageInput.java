package io.unimllm.server;

import io.unimllm.core.ImageException;
import io.unimllm.core.image.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Decodes the image of a data URL, checking its size from the header before decoding its pixels. */
final class ImageInput {
    private static final String BASE64 = ";base64,";

    private ImageInput() {
    }

    /**
     * The image of a {@code data:image/...;base64,...} URL.
     *
     * @param url the URL
     * @param param the URL's place in the request, for errors
     * @param maxPixels the largest image accepted
     * @return the decoded image
     * @throws ApiException 400 when the URL is not a base64 data URL of an image ImageIO decodes, 413 when the image
     *     has more than {@code maxPixels} pixels
     */
    static BufferedImage decode(String url, String param, long maxPixels) {
        String lower = url.substring(0, Math.min(url.length(), 16)).toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("file:")) {
            throw ApiException.invalid(param, "unsupported_image_url", param + ": the server does not fetch images;"
                    + " send the image inline as a data URL (data:image/png;base64,...)");
        }
        if (!lower.startsWith("data:")) {
            throw ApiException.invalid(param, "invalid_image_url", param + ": expected a data URL"
                    + " (data:image/png;base64,...), got '" + abbreviate(url) + "'");
        }
        int comma = url.indexOf(',');
        int base64 = url.indexOf(BASE64);
        if (comma < 0 || base64 < 0 || base64 + BASE64.length() - 1 != comma) {
            throw ApiException.invalid(param, "invalid_image_url", param + ": the data URL must be base64-encoded"
                    + " (data:image/png;base64,...), got '" + abbreviate(url) + "'");
        }
        String mime = url.substring("data:".length(), base64).toLowerCase(Locale.ROOT);
        if (!mime.isEmpty() && !mime.startsWith("image/")) {
            throw ApiException.invalid(param, "invalid_image_url", param + ": the data URL holds '" + mime
                    + "', not an image");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(url.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(param, "invalid_image", param + ": the data URL is not valid base64: "
                    + e.getMessage());
        }
        if (bytes.length == 0) {
            throw ApiException.invalid(param, "invalid_image", param + ": the data URL holds no image bytes");
        }
        checkPixels(bytes, param, maxPixels);
        try {
            return ImagePreprocessor.decode(bytes, param);
        } catch (ImageException e) {
            throw ApiException.invalid(param, "invalid_image", e.getMessage());
        }
    }

    /** Reads the width and height from the image's header, without decoding its pixels. */
    private static void checkPixels(byte[] bytes, String param, long maxPixels) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw ApiException.invalid(param, "invalid_image", param
                        + ": cannot decode the image: not a PNG, JPEG, GIF or BMP image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w * h > maxPixels) {
                    throw new ApiException(413, ApiException.INVALID_REQUEST, param, "image_too_large", param
                            + ": the image has " + w + "x" + h + " = " + w * h + " pixels, more than this server's"
                            + " limit of " + maxPixels);
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException a) {
                throw a;
            }
            throw ApiException.invalid(param, "invalid_image", param + ": cannot read the image's header (corrupt"
                    + " or truncated): " + e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
