package io.unimllm.experts.upscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.experts.convert.ExpertArtifact;
import io.unimllm.experts.convert.ExpertArtifactMissingException;
import io.unimllm.experts.convert.ExpertArtifacts;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The converted ESRGAN-slim x2 on real images; converts it first when the cache lacks it (needs npm and torch). */
class EsrganUpscalerTest {
    private static Path modelFile;
    private static EsrganUpscaler upscaler;

    @BeforeAll
    static void load() throws Exception {
        modelFile = ExpertArtifacts.ensureConverted(ExpertArtifact.ESRGAN_SLIM_X2, ExpertArtifacts.repoRoot(), 600);
        upscaler = EsrganUpscaler.load(modelFile, EsrganUpscaler.Config.DEFAULT);
    }

    @AfterAll
    static void close() {
        if (upscaler != null) {
            upscaler.close();
        }
    }

    private static BufferedImage read(Path path) throws IOException {
        BufferedImage image = ImageIO.read(path.toFile());
        assertThat(image).as("image %s", path).isNotNull();
        return image;
    }

    private static BufferedImage resize(BufferedImage src, int w, int h, Object interpolation) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static double psnr(BufferedImage a, BufferedImage b) {
        double se = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    double d = ((p >> shift) & 0xff) - ((q >> shift) & 0xff);
                    se += d * d;
                }
            }
        }
        double mse = se / (3.0 * a.getWidth() * a.getHeight());
        return 10 * Math.log10(255.0 * 255.0 / mse);
    }

    @Test
    void reproducesUpscalerJsPublishedSample() throws Exception {
        // UpscalerJS ships its fixture and the x2 result its own TF.js pipeline made from it.
        Path assets = modelFile.resolveSibling("esrgan-slim-x2-1.0.0").resolve("package").resolve("assets");
        BufferedImage fixture = read(assets.resolve("fixture.png"));
        BufferedImage expected = read(assets.resolve("samples/2x/result.png"));
        BufferedImage actual = upscaler.upscale(fixture);
        assertThat(actual.getWidth()).isEqualTo(2 * fixture.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(2 * fixture.getHeight()).isEqualTo(expected.getHeight());
        long total = 0;
        for (int y = 0; y < actual.getHeight(); y++) {
            for (int x = 0; x < actual.getWidth(); x++) {
                int p = actual.getRGB(x, y), q = expected.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    total += Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff));
                }
            }
        }
        double meanAbs = total / (3.0 * actual.getWidth() * actual.getHeight());
        assertThat(meanAbs).as("mean |ours - UpscalerJS| per channel").isLessThan(0.5);
    }

    @Test
    void upscalesAHalfSizePhotoCloserToTheOriginalThanBilinear() throws Exception {
        BufferedImage original = read(Path.of("/usr/lib/python3/dist-packages/skimage/data/astronaut.png"));
        int w = original.getWidth(), h = original.getHeight();
        BufferedImage half = resize(original, w / 2, h / 2, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        long t0 = System.nanoTime();
        ExpertResult result = upscaler.run(new ExpertRequest(half, "make it sharper",
                new TaskCall("upscale", "", List.of(), Optional.empty(), -1)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        BufferedImage sr = result.image().orElseThrow();
        assertThat(sr.getWidth()).isEqualTo(w);
        assertThat(sr.getHeight()).isEqualTo(h);
        double pSr = psnr(sr, original);
        double pBilinear = psnr(resize(half, w, h, RenderingHints.VALUE_INTERPOLATION_BILINEAR), original);
        double pBicubic = psnr(resize(half, w, h, RenderingHints.VALUE_INTERPOLATION_BICUBIC), original);
        System.out.printf("esrgan x2 %dx%d -> %dx%d in %d ms: PSNR %.2f dB, bilinear %.2f dB, bicubic %.2f dB%n",
                w / 2, h / 2, w, h, ms, pSr, pBilinear, pBicubic);
        assertThat(pSr).isGreaterThan(pBilinear);
    }

    @Test
    void refusesImagesAboveThePixelLimit() throws Exception {
        try (EsrganUpscaler small = EsrganUpscaler.load(modelFile, new EsrganUpscaler.Config(100, 10))) {
            assertThatThrownBy(() -> small.upscale(new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB)))
                    .isInstanceOf(ExpertException.class).hasMessageContaining("20x10").hasMessageContaining("100");
        }
    }

    @Test
    void providerFailsWithATypedErrorWhenTheFileIsMissing() {
        assertThatThrownBy(() -> new UpscaleExpertsProvider().create(Map.of("esrgan.path", "/nonexistent/sr.pt")))
                .isInstanceOf(ExpertArtifactMissingException.class).hasMessageContaining("/nonexistent/sr.pt");
    }
}
