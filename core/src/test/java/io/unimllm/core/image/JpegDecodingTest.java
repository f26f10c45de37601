package io.unimllm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.core.ImageException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * JPEGs as cameras, phones and print tools write them: a CMYK JPEG (written by ImageMagick, {@code images/
 * cmyk-quadrants.jpg}) reads with the colours it was made from, as PIL's {@code convert("RGB")} gives them (the JDK's
 * reader shifts them: grey 128 became 188); the EXIF orientation of a photo is applied so that the image is upright.
 * The oriented JPEGs are made here: a 32x16 image of four quadrants (red, blue / green, white) with an EXIF segment.
 */
class JpegDecodingTest {
    private static final int RED = 0xff0000;
    private static final int BLUE = 0x0000ff;
    private static final int GREEN = 0x00ff00;
    private static final int WHITE = 0xffffff;

    /** The colour at the centre of each quadrant: top left, top right, bottom left, bottom right. */
    private static int[] quadrants(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] rgb = ImagePreprocessor.packedRgb(img);
        return new int[] {rgb[(h / 4) * w + w / 4], rgb[(h / 4) * w + 3 * w / 4], rgb[(3 * h / 4) * w + w / 4],
            rgb[(3 * h / 4) * w + 3 * w / 4]};
    }

    private static void assertColour(int actual, int expected, int tolerance, String what) {
        for (int shift : new int[] {16, 8, 0}) {
            assertThat((actual >> shift) & 0xff).as("%s: %06x, expected %06x", what, actual, expected)
                    .isBetween(((expected >> shift) & 0xff) - tolerance, ((expected >> shift) & 0xff) + tolerance);
        }
    }

    @Test
    void cmykJpegKeepsTheColoursItWasMadeFrom() throws IOException {
        byte[] jpeg;
        try (InputStream in = JpegDecodingTest.class.getResourceAsStream("/images/cmyk-quadrants.jpg")) {
            jpeg = in.readAllBytes();
        }
        BufferedImage img = ImagePreprocessor.decode(jpeg, "cmyk-quadrants.jpg");
        assertThat(img.getWidth()).isEqualTo(32);
        assertThat(img.getHeight()).isEqualTo(16);
        int[] expected = {0xff8000, 0x285ac8, 0x00a03c, 0x808080}; // orange, blue, green, grey
        int[] actual = quadrants(img);
        for (int q = 0; q < 4; q++) {
            assertColour(actual[q], expected[q], 4, "quadrant " + q);
        }
    }

    /** The four-quadrant test image as a JPEG, with an EXIF orientation tag when {@code orientation > 0}. */
    private static byte[] quadrantJpeg(int orientation, ByteOrder order) {
        BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, y < 8 ? (x < 16 ? RED : BLUE) : (x < 16 ? GREEN : WHITE));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertThat(ImageIO.write(img, "jpg", out)).isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] jpeg = out.toByteArray();
        return orientation > 0 ? withExif(jpeg, exifOrientation(orientation, order)) : jpeg;
    }

    /** An APP1 "Exif" segment whose IFD0 holds one entry: Orientation (0x0112), SHORT, 1 value. */
    private static byte[] exifOrientation(int orientation, ByteOrder order) {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(order);
        tiff.put(order == ByteOrder.BIG_ENDIAN ? (byte) 'M' : (byte) 'I');
        tiff.put(order == ByteOrder.BIG_ENDIAN ? (byte) 'M' : (byte) 'I');
        tiff.putShort((short) 42).putInt(8).putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        ByteBuffer app1 = ByteBuffer.allocate(4 + 6 + 26).order(ByteOrder.BIG_ENDIAN);
        app1.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (2 + 6 + 26));
        app1.put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(tiff.array());
        return app1.array();
    }

    /** Inserts a segment after the JFIF APP0 segment that follows SOI. */
    private static byte[] withExif(byte[] jpeg, byte[] segment) {
        assertThat(jpeg[2] & 0xff).as("JFIF APP0 after SOI").isEqualTo(0xFF);
        assertThat(jpeg[3] & 0xff).isEqualTo(0xE0);
        int at = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, at);
        System.arraycopy(segment, 0, out, at, segment.length);
        System.arraycopy(jpeg, at, out, at + segment.length, jpeg.length - at);
        return out;
    }

    @ParameterizedTest(name = "orientation {0}")
    @CsvSource({
        "1, ff0000, 0000ff, 00ff00, ffffff", // as stored: red, blue / green, white
        "2, 0000ff, ff0000, ffffff, 00ff00", // mirrored
        "3, ffffff, 00ff00, 0000ff, ff0000", // turned 180 degrees
        "4, 00ff00, ffffff, ff0000, 0000ff", // flipped
        "5, ff0000, 00ff00, 0000ff, ffffff", // transposed
        "6, 00ff00, ff0000, ffffff, 0000ff", // turned 90 degrees clockwise
        "7, ffffff, 0000ff, 00ff00, ff0000", // transversed
        "8, 0000ff, ffffff, ff0000, 00ff00", // turned 90 degrees anticlockwise
    })
    void exifOrientationTurnsThePhotoUpright(int orientation, String topLeft, String topRight, String bottomLeft,
            String bottomRight) {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            BufferedImage img = ImagePreprocessor.decode(quadrantJpeg(orientation, order), "photo.jpg");
            boolean turned = orientation >= 5;
            assertThat(img.getWidth()).isEqualTo(turned ? 16 : 32);
            assertThat(img.getHeight()).isEqualTo(turned ? 32 : 16);
            int[] actual = quadrants(img);
            String[] expected = {topLeft, topRight, bottomLeft, bottomRight};
            for (int q = 0; q < 4; q++) {
                assertColour(actual[q], Integer.parseInt(expected[q], 16), 24, order + " quadrant " + q);
            }
        }
    }

    @Test
    void aJpegWithoutOrMalformedExifIsReadAsStored() {
        BufferedImage plain = ImagePreprocessor.decode(quadrantJpeg(0, ByteOrder.BIG_ENDIAN), "plain.jpg");
        assertThat(plain.getWidth()).isEqualTo(32);
        assertColour(quadrants(plain)[0], RED, 24, "top left");
        byte[] exif = exifOrientation(6, ByteOrder.BIG_ENDIAN);
        exif[10 + 4] = 0x7f; // IFD0 offset far beyond the segment
        BufferedImage broken = ImagePreprocessor.decode(withExif(quadrantJpeg(0, ByteOrder.BIG_ENDIAN), exif), "x.jpg");
        assertThat(broken.getWidth()).isEqualTo(32);
        byte[] badValue = exifOrientation(9, ByteOrder.LITTLE_ENDIAN);
        assertThat(ImagePreprocessor.decode(withExif(quadrantJpeg(0, ByteOrder.BIG_ENDIAN), badValue), "y.jpg")
                .getWidth()).as("orientation 9 does not exist").isEqualTo(32);
    }

    @Test
    void aGreyJpegReadsAsItsGreyLevelInEveryChannel() throws IOException {
        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                grey.getRaster().setSample(x, y, 0, 100);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(grey, "jpg", out);
        assertColour(quadrants(ImagePreprocessor.decode(out.toByteArray(), "grey.jpg"))[0], 0x646464, 2, "grey");
    }

    @Test
    void aTruncatedJpegIsATypedError() {
        byte[] jpeg = quadrantJpeg(6, ByteOrder.BIG_ENDIAN);
        byte[] head = Arrays.copyOf(jpeg, 60);
        assertThatThrownBy(() -> ImagePreprocessor.decode(head, "cut.jpg")).isInstanceOf(ImageException.class)
                .hasMessageContaining("cut.jpg");
    }
}
