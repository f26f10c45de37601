package io.unimllm.core.generate;

import java.util.List;

/**
 * One prompt: token ids (with the model's image token where each image goes) and the images' pixel values.
 *
 * <p>An image may be marked by a single image token (the legacy LLaVA splice, which expands it to the image's
 * feature positions) or by as many image tokens as the image has feature positions (Hugging Face's processor
 * output).
 *
 * @param tokenIds the prompt's token ids
 * @param images pixel values, one {@code float[C*H*W]} per image in prompt order (see
 *     {@link io.unimllm.core.image.ImagePreprocessor#toPixelValues})
 */
public record Prompt(int[] tokenIds, List<float[]> images) {
    /**
     * Copies the token ids and the image list (not the pixel arrays).
     *
     * @param tokenIds the prompt's token ids
     * @param images pixel values, one {@code float[C*H*W]} per image in prompt order
     */
    public Prompt {
        tokenIds = tokenIds.clone();
        images = List.copyOf(images);
    }

    /**
     * A text-only prompt.
     *
     * @param tokenIds the prompt's token ids
     * @return a prompt without images
     */
    public static Prompt text(int... tokenIds) {
        return new Prompt(tokenIds, List.of());
    }

    /**
     * The prompt's token ids.
     *
     * @return a copy of the token ids
     */
    @Override
    public int[] tokenIds() {
        return tokenIds.clone();
    }
}
