package io.unimllm.experts.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;

/**
 * Feeds the converted CenterNet: the image resized to {@code size x size} as a {@code [1, size, size, 3]} NHWC float
 * tensor of RGB 0..255; reads back the {@code (keypoints [1, h, w, classes], wh [1, h, w, 4])} tuple.
 * Native arrays live in the predictor's per-call manager and are freed when the call ends.
 */
final class CenterNetTranslator implements Translator<BufferedImage, CenterNetHead> {
    private final int size;

    CenterNetTranslator(int size) {
        this.size = size;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, BufferedImage input) {
        float[] pixels = ImageResampler.resizeRgbLegacyBilinear(input, size, size);
        return new NDList(ctx.getNDManager().create(pixels, new Shape(1, size, size, 3)));
    }

    @Override
    public CenterNetHead processOutput(TranslatorContext ctx, NDList list) {
        if (list.size() != 2) {
            throw new IllegalStateException("CenterNet model must return (keypoints, wh), got " + list.size()
                    + " outputs");
        }
        NDArray keypoints = list.get(0);
        NDArray wh = list.get(1);
        Shape k = keypoints.getShape();
        Shape d = wh.getShape();
        if (k.dimension() != 4 || d.dimension() != 4 || d.get(3) != 4 || k.get(1) != d.get(1) || k.get(2) != d.get(2)) {
            throw new IllegalStateException("CenterNet outputs must be [1,h,w,classes] and [1,h,w,4], got " + k
                    + " and " + d);
        }
        int h = (int) k.get(1), w = (int) k.get(2);
        if (size % h != 0 || size / h != size / w) {
            throw new IllegalStateException("CenterNet heatmap " + h + "x" + w + " is not a whole stride of " + size);
        }
        return new CenterNetHead(h, w, (int) k.get(3), size / h, keypoints.toFloatArray(), wh.toFloatArray());
    }

    @Override
    public Batchifier getBatchifier() {
        return null; // processInput already adds the batch axis
    }
}
