package io.unimllm.experts.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.unimllm.experts.detect.ImageResampler;
import java.awt.image.BufferedImage;

/**
 * Feeds the converted Selfie model: the crop resized to {@code size x size} (TF legacy bilinear, as
 * {@code @vladmandic/human} does) as {@code [1, size, size, 3]} NHWC RGB in 0..1; reads back the
 * {@code [1, size, size, 1]} person probabilities, row-major.
 */
final class SelfieTranslator implements Translator<BufferedImage, float[]> {
    private final int size;

    SelfieTranslator(int size) {
        this.size = size;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, BufferedImage input) {
        float[] pixels = ImageResampler.resizeRgbLegacyBilinear(input, size, size);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] /= 255f;
        }
        return new NDList(ctx.getNDManager().create(pixels, new Shape(1, size, size, 3)));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        NDArray out = list.singletonOrThrow();
        if (!out.getShape().equals(new Shape(1, size, size, 1))) {
            throw new IllegalStateException("selfie model must return [1, " + size + ", " + size + ", 1], got "
                    + out.getShape());
        }
        return out.toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
        return null; // processInput already adds the batch axis
    }
}
