package io.unimllm.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.PromptException;
import io.unimllm.core.config.TextConfig;
import io.unimllm.core.config.VisionConfig;
import io.unimllm.core.model.LlavaModel;
import java.util.List;

/**
 * Checks one prompt and embeds it by the model's splicing rule ({@link LlavaModel#embedPrompt}): the checks and
 * messages every generation path shares (token ids in the vocabulary, pixel counts, finite pixels, the context).
 */
final class PromptEmbedder {
    private final LlavaModel model;
    private final TextConfig text;

    PromptEmbedder(LlavaModel model) {
        this.model = model;
        this.text = model.config().text();
    }

    /** An embedded prompt {@code [positions, hidden]} and the time its images took in the vision tower. */
    record Embedded(NDArray embeddings, long visionNanos) {
        int positions() {
            return (int) embeddings.getShape().get(0);
        }
    }

    /**
     * Checks and embeds prompt {@code b} (its index names it in errors) into {@code manager}.
     *
     * @throws PromptException for an empty prompt, a token outside the vocabulary, image tokens that do not match
     *     the images, or images the vision tower cannot take
     * @throws ContextLengthException when the prompt takes more positions than the context
     */
    Embedded embed(Prompt p, int b, NDManager manager) {
        positions(p, b); // every check before any work
        long[] vision = new long[1];
        try {
            NDArray features = p.images().isEmpty() ? null : encode(p.images(), b, manager, vision);
            return new Embedded(model.embedPrompt(p.tokenIds(), features, manager), vision[0]);
        } catch (PromptException e) {
            throw new PromptException("prompt " + b + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks prompt {@code b} without embedding it and returns the positions it will take.
     *
     * @throws PromptException for an empty prompt, a token outside the vocabulary or image tokens that do not match
     *     the images
     * @throws ContextLengthException when the prompt takes more positions than the context
     */
    int positions(Prompt p, int b) {
        int[] ids = p.tokenIds();
        if (ids.length == 0) {
            throw new PromptException("prompt " + b + " is empty");
        }
        int vocab = text.vocabSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new PromptException("prompt " + b + " has token id " + ids[i] + " at index " + i
                        + ", outside the vocabulary of " + vocab);
            }
        }
        int positions;
        try {
            positions = model.promptPositions(ids, p.images().size());
        } catch (PromptException e) {
            throw new PromptException("prompt " + b + ": " + e.getMessage(), e);
        }
        if (positions > text.maxPositionEmbeddings()) {
            throw new ContextLengthException("prompt " + b + " takes " + positions
                    + " positions (image features included) but the model's context is "
                    + text.maxPositionEmbeddings() + " positions");
        }
        return positions;
    }

    /** Image features {@code [images, n, hidden]} of one prompt. */
    private NDArray encode(List<float[]> images, int b, NDManager manager, long[] visionNanos) {
        long start = System.nanoTime();
        VisionConfig vc = model.config().vision();
        int size = vc.numChannels() * vc.imageSize() * vc.imageSize();
        float[] all = new float[size * images.size()];
        for (int i = 0; i < images.size(); i++) {
            float[] px = images.get(i);
            if (px.length != size) {
                throw new PromptException("image " + i + " of prompt " + b + " has " + px.length
                        + " pixel values; the vision tower takes " + vc.numChannels() + "x" + vc.imageSize() + "x"
                        + vc.imageSize() + " = " + size);
            }
            for (int k = 0; k < px.length; k++) {
                if (!Float.isFinite(px[k])) {
                    throw new PromptException("image " + i + " of prompt " + b + " has a non-finite pixel value "
                            + px[k] + " at index " + k);
                }
            }
            System.arraycopy(px, 0, all, i * size, size);
        }
        NDArray pixels = manager.create(all, new Shape(images.size(), vc.numChannels(), vc.imageSize(),
                vc.imageSize()));
        NDArray features = model.encodeImages(pixels);
        visionNanos[0] += System.nanoTime() - start;
        return features;
    }
}
