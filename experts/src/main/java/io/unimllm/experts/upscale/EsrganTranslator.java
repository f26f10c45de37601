package io.unimllm.experts.upscale;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;

/**
 * Feeds the converted RDN: the whole image as a {@code [1, H, W, 3]} NHWC float tensor of RGB 0..255 (alpha
 * dropped); reads back {@code [1, sH, sW, 3]}, clamped and rounded to an RGB image. Native arrays live in the
 * predictor's per-call manager.
 */
final class EsrganTranslator implements Translator<BufferedImage, BufferedImage> {
    @Override
    public NDList processInput(TranslatorContext ctx, BufferedImage input) {
        int w = input.getWidth(), h = input.getHeight();
        int[] argb = input.getRGB(0, 0, w, h, null, 0, w);
        float[] pixels = new float[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            pixels[3 * i] = (argb[i] >> 16) & 0xff;
            pixels[3 * i + 1] = (argb[i] >> 8) & 0xff;
            pixels[3 * i + 2] = argb[i] & 0xff;
        }
        return new NDList(ctx.getNDManager().create(pixels, new Shape(1, h, w, 3)));
    }

    @Override
    public BufferedImage processOutput(TranslatorContext ctx, NDList list) {
        NDArray out = list.singletonOrThrow();
        Shape s = out.getShape();
        if (s.dimension() != 4 || s.get(0) != 1 || s.get(3) != 3) {
            throw new IllegalStateException("upscaler must return [1, H, W, 3], got " + s);
        }
        int h = (int) s.get(1), w = (int) s.get(2);
        float[] v = out.toFloatArray();
        int[] rgb = new int[w * h];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = 0xff000000 | channel(v[3 * i]) << 16 | channel(v[3 * i + 1]) << 8 | channel(v[3 * i + 2]);
        }
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, w, h, rgb, 0, w);
        return image;
    }

    private static int channel(float value) {
        return Math.max(0, Math.min(255, Math.round(value)));
    }

    @Override
    public Batchifier getBatchifier() {
        return null; // processInput already adds the batch axis
    }
}
