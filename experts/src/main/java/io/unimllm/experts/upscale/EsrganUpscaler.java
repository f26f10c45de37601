package io.unimllm.experts.upscale;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.unimllm.experts.convert.TorchScriptModels;
import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * x2 super-resolution: the slim RDN ("ESRGAN slim") from {@code @upscalerjs/esrgan-slim}, converted to TorchScript by
 * {@code scripts/experts/fetch-and-convert.sh esrgan-slim-x2}, on DJL's PyTorch engine. Serves task type
 * {@value #TASK_UPSCALE}; the result is the whole image at twice the width and height.
 *
 * <p>The image runs in one piece, so memory grows with its area (about 64 floats per input pixel per layer); inputs
 * above {@link Config#maxInputPixels()} are refused. Thread-safe: each call uses its own predictor.
 */
public final class EsrganUpscaler implements ExpertModel {
    /** Task type this expert serves. */
    public static final String TASK_UPSCALE = "upscale";
    /** The expert's name in its descriptor. */
    public static final String NAME = "esrgan-slim-x2-upscaler";
    /** Output size / input size. */
    public static final int SCALE = 2;

    private final ZooModel<BufferedImage, BufferedImage> model;
    private final Config config;
    private volatile boolean closed;

    /**
     * Upscaler settings.
     *
     * @param maxInputPixels largest input area accepted, {@code > 0}
     * @param priority descriptor priority
     */
    public record Config(long maxInputPixels, int priority) {
        /** 1 megapixel in, 4 out; priority 10. */
        public static final Config DEFAULT = new Config(1024L * 1024L, 10);

        /**
         * Checks the limit.
         *
         * @param maxInputPixels largest input area accepted
         * @param priority descriptor priority
         * @throws IllegalArgumentException when {@code maxInputPixels} is not positive
         */
        public Config {
            if (maxInputPixels <= 0) {
                throw new IllegalArgumentException("maxInputPixels must be positive, got " + maxInputPixels);
            }
        }
    }

    private EsrganUpscaler(ZooModel<BufferedImage, BufferedImage> model, Config config) {
        this.model = model;
        this.config = config;
    }

    /**
     * Loads the converted model file.
     *
     * @param modelFile the TorchScript file {@code fetch-and-convert.sh esrgan-slim-x2} wrote
     * @param config the upscaler settings
     * @return the upscaler; closing it frees the model's native memory
     * @throws ExpertException when the file is missing or not a loadable TorchScript module
     */
    public static EsrganUpscaler load(Path modelFile, Config config) throws ExpertException {
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(config, "config");
        return new EsrganUpscaler(TorchScriptModels.load("ESRGAN", modelFile, BufferedImage.class,
                BufferedImage.class, new EsrganTranslator()), config);
    }

    @Override
    public ExpertDescriptor describe() {
        return new ExpertDescriptor(NAME, Set.of(TASK_UPSCALE), Set.of(), Set.of(), config.priority());
    }

    @Override
    public ExpertResult run(ExpertRequest request) throws ExpertException {
        Objects.requireNonNull(request, "request");
        return ExpertResult.ofImage(upscale(request.image()));
    }

    /**
     * Upscales a whole image.
     *
     * @param image the image, at most {@link Config#maxInputPixels()} pixels
     * @return a new image at {@value #SCALE} times its width and height, RGB (alpha dropped)
     * @throws ExpertException when the image is larger than allowed, inference fails, or the upscaler is closed
     */
    public BufferedImage upscale(BufferedImage image) throws ExpertException {
        Objects.requireNonNull(image, "image");
        if (closed) {
            throw new ExpertException(NAME + " is closed");
        }
        long pixels = (long) image.getWidth() * image.getHeight();
        if (pixels > config.maxInputPixels()) {
            throw new ExpertException(NAME + ": a " + image.getWidth() + "x" + image.getHeight() + " image has "
                    + pixels + " pixels, more than the " + config.maxInputPixels() + " allowed");
        }
        try (Predictor<BufferedImage, BufferedImage> predictor = model.newPredictor()) {
            return predictor.predict(image);
        } catch (TranslateException e) {
            throw new ExpertException(NAME + ": inference failed on a " + image.getWidth() + "x" + image.getHeight()
                    + " image: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        model.close();
    }
}
