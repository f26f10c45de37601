package io.unimllm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.core.Fixtures;
import io.unimllm.core.ImageException;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.protocol.ConfigException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Image preprocessing against PIL: the fixture's 37x23 test image, preprocessed by the Python pipeline LLaVA uses
 * (bicubic resize with PIL, CLIP mean/std) to 16x16, is reproduced to within about one grey level per pixel in both
 * resize modes. Undecodable input is an {@link ImageException} that says which input and why.
 */
class ImagePreprocessorTest {
    /** About two grey levels after division by CLIP's std (1/255/0.26 = 0.015 per level). */
    private static final float MAX_DIFF = 0.03f;
    private static final float MAX_MEAN_DIFF = 0.005f;
    private static final Path DIR = Fixtures.golden("tiny-llava");

    @TempDir
    Path tmp;

    private static float[] reference(String name) {
        try (SafetensorsCheckpoint ref = SafetensorsCheckpoint.open(DIR.resolve("reference.safetensors"))) {
            assertThat(ref.info(name).shape()).containsExactly(3, 16, 16);
            float[] out = new float[3 * 16 * 16];
            ref.data(name).asFloatBuffer().get(out);
            return out;
        }
    }

    @ParameterizedTest(name = "{0} matches PIL''s {1}")
    @CsvSource({"SHORTEST_EDGE_CENTER_CROP, pil_crop", "PAD_TO_SQUARE, pil_pad"})
    void pixelValuesMatchThePilPipeline(ResizeMode mode, String referenceName) {
        BufferedImage image = ImagePreprocessor.decode(DIR.resolve("test-image.png"));
        assertThat(image.getWidth()).isEqualTo(37);
        assertThat(image.getHeight()).isEqualTo(23);
        float[] expected = reference(referenceName);
        float[] actual = new ImagePreprocessor(ImageProcessorConfig.clipDefaults(16, mode)).toPixelValues(image);
        assertThat(actual).hasSameSizeAs(expected);
        double sum = 0;
        float max = 0;
        for (int i = 0; i < actual.length; i++) {
            float d = Math.abs(actual[i] - expected[i]);
            sum += d;
            max = Math.max(max, d);
        }
        assertThat(max).as("max |java - PIL|").isLessThan(MAX_DIFF);
        assertThat(sum / actual.length).as("mean |java - PIL|").isLessThan(MAX_MEAN_DIFF);
    }

    @ParameterizedTest(name = "image type {0}, sample {1}")
    @CsvSource({"10, 100", "11, 25700"}) // TYPE_BYTE_GRAY; TYPE_USHORT_GRAY (100 * 257)
    void greyscalePngReadsAsItsGreyLevelInEveryChannelAsPilConvertRgbDoes(int type, int sample) throws IOException {
        BufferedImage grey = new BufferedImage(16, 16, type);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                grey.getRaster().setSample(x, y, 0, sample);
            }
        }
        Path file = tmp.resolve("grey.png");
        ImageIO.write(grey, "png", file.toFile());
        float[] px = new ImagePreprocessor(ImageProcessorConfig.clipDefaults(16, ResizeMode.STRETCH))
                .toPixelValues(ImagePreprocessor.decode(file));
        float[] mean = ImageProcessorConfig.CLIP_MEAN;
        float[] std = ImageProcessorConfig.CLIP_STD;
        for (int c = 0; c < 3; c++) {
            float expected = (100 / 255f - mean[c]) / std[c];
            assertThat(px[c * 256]).as("channel %d", c).isCloseTo(expected, Offset.offset(1e-5f));
            assertThat(px[c * 256 + 255]).as("channel %d", c).isCloseTo(expected,
                    Offset.offset(1e-5f));
        }
    }

    @Test
    void malformedPreprocessorConfigIsAConfigError() throws IOException {
        Path file = tmp.resolve("preprocessor_config.json");
        Files.writeString(file, "{\"crop_size\": 16, \"image_mean\": [0.5, 0.5]}");
        assertThatThrownBy(() -> ImageProcessorConfig.load(tmp, 16)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("image_mean").hasMessageContaining(file.toString());
        Files.writeString(file, "{\"image_std\": [0.5, 0, 0.5]}");
        assertThatThrownBy(() -> ImageProcessorConfig.load(tmp, 16)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("std");
        Files.writeString(file, "{\"image_mean\": [\"0.5\", 0.5, 0.5]}");
        assertThatThrownBy(() -> ImageProcessorConfig.load(tmp, 16)).as("a string is not a number")
                .isInstanceOf(ConfigException.class).hasMessageContaining("image_mean");
        Files.writeString(file, "{\"rescale_factor\": \"1/255\"}");
        assertThatThrownBy(() -> ImageProcessorConfig.load(tmp, 16)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rescale_factor");
        Files.writeString(file, "{\"image_mean\": [");
        assertThatThrownBy(() -> ImageProcessorConfig.load(tmp, 16)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void unknownImageAspectRatioIsAConfigError() throws IOException {
        Files.writeString(tmp.resolve("config.json"),
                "{\"model_type\": \"llava\", \"image_aspect_ratio\": \"anyres\"}");
        assertThatThrownBy(() -> ImageProcessorConfig.load(tmp, 16)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("image_aspect_ratio 'anyres'");
    }

    @Test
    void theTwoModesReallyDiffer() {
        // guards the test above: crop and pad must not be compared against the same reference by accident
        float[] crop = reference("pil_crop");
        float[] pad = reference("pil_pad");
        assertThat(Arrays.equals(crop, pad)).isFalse();
    }

    @Test
    void preprocessorConfigIsReadFromTheCheckpoint() {
        ImageProcessorConfig c = ImageProcessorConfig.load(DIR, 16);
        assertThat(c.size()).isEqualTo(16);
        assertThat(c.mode()).as("no image_aspect_ratio: CLIP's crop").isEqualTo(ResizeMode.SHORTEST_EDGE_CENTER_CROP);
        assertThat(c.mean()).containsExactly(ImageProcessorConfig.CLIP_MEAN);
        assertThat(c.std()).containsExactly(ImageProcessorConfig.CLIP_STD);
        assertThat(c.rescaleFactor()).isEqualTo(1f / 255f);
    }

    @Test
    void imageAspectRatioPadInConfigSelectsPadToSquare() throws IOException {
        Files.copy(DIR.resolve("preprocessor_config.json"), tmp.resolve("preprocessor_config.json"));
        Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"llava\", \"image_aspect_ratio\": \"pad\"}");
        assertThat(ImageProcessorConfig.load(tmp, 16).mode()).isEqualTo(ResizeMode.PAD_TO_SQUARE);
    }

    @Test
    void cropSizeDisagreeingWithTheVisionTowerIsAConfigError() {
        assertThatThrownBy(() -> ImageProcessorConfig.load(DIR, 336)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("crop_size 16").hasMessageContaining("336");
    }

    @Test
    void bytesThatAreNoImageAreRefused() {
        byte[] text = "definitely not an image".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ImagePreprocessor.decode(text, "upload.txt")).isInstanceOf(ImageException.class)
                .hasMessageContaining("cannot decode image upload.txt");
    }

    @Test
    void truncatedPngIsRefused() throws IOException {
        byte[] png = Files.readAllBytes(DIR.resolve("test-image.png"));
        byte[] half = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> ImagePreprocessor.decode(half, "half.png")).isInstanceOf(ImageException.class)
                .hasMessageContaining("cannot decode image half.png");
    }

    /** A valid PNG of the given size whose pixel data is a few bytes of zlib (a "decompression bomb"). */
    private static byte[] pngClaiming(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0); // 8-bit RGB
        chunk(out, "IHDR", ihdr.array());
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(z)) {
            d.write(new byte[1 + 3 * 4]); // not even one full row: the size alone must be refused
        }
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void imageLargerThanTheLimitIsRefusedBeforeItsPixelsAreAllocated() throws IOException {
        byte[] bomb = pngClaiming(20_000, 20_000); // 400 M pixels, 1.2 GB decoded, a few hundred bytes here
        assertThat(bomb.length).isLessThan(1000);
        assertThatThrownBy(() -> ImagePreprocessor.decode(bomb, "bomb.png")).isInstanceOf(ImageException.class)
                .hasMessageContaining("bomb.png").hasMessageContaining("20000x20000");
    }

    @Test
    void missingFileIsRefused() {
        Path missing = tmp.resolve("nowhere.png");
        assertThatThrownBy(() -> ImagePreprocessor.decode(missing)).isInstanceOf(ImageException.class)
                .hasMessageContaining("not found").hasMessageContaining(missing.toString());
    }
}
