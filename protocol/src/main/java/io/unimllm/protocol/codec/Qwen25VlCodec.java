package io.unimllm.protocol.codec;

import java.util.Objects;

/**
 * Qwen2.5-VL's dialect: JSON {@code [{"bbox_2d": [x1, y1, x2, y2], "label": "cat"}]} and
 * {@code {"point_2d": [x, y], "label": ...}}, usually in a {@code ```json} fence, and XML points
 * {@code <points x1="..." y1="..." alt="...">phrase</points>}, all in <b>absolute pixels of the model's resized
 * input</b>, not of the original image ("Qwen2.5-VL using the absolute coordinated for the resized image",
 * QwenLM/Qwen3-VL {@code qwen-vl-finetune/tools/process_bbox.ipynb}). A code {@code q} is the pixel
 * {@code q * width / resizedWidth} of the original image. The resized size comes from a {@link ResizeRule}: by default
 * Qwen's {@code smart_resize} with the checkpoints' {@code min_pixels} / {@code max_pixels}
 * ({@link ResizeRule.SmartResize#qwen25Vl()}); a server started with other limits needs that rule, and a caller that
 * knows the resized size ({@code image_grid_thw * 14}) can give it with {@link #forResizedInput(int, int)}.
 */
public final class Qwen25VlCodec extends JsonDialectCodec {
    private final ResizeRule rule;

    /** The codec with the checkpoints' resize rule, {@code smart_resize(factor 28, 3136, 12845056)}. */
    public Qwen25VlCodec() {
        this(ResizeRule.SmartResize.qwen25Vl());
    }

    /**
     * The codec for a model that resizes images by {@code rule}.
     *
     * @param rule how the serving stack resizes the image before the model sees it
     */
    public Qwen25VlCodec(ResizeRule rule) {
        super("Qwen2.5-VL", new JsonGroundings.Keys("bbox_2d", "point_2d", false, true),
                new CoordinateFrame.ResizedPixels(Objects.requireNonNull(rule, "rule")), "\t");
        this.rule = rule;
    }

    /**
     * A codec for answers about one image whose resized size is known (from the processor's {@code image_grid_thw}
     * times the patch size, 14).
     *
     * @param resizedWidth the width the model saw, in pixels
     * @param resizedHeight the height the model saw, in pixels
     * @return the codec
     * @throws IllegalArgumentException when the size is not positive
     */
    public static Qwen25VlCodec forResizedInput(int resizedWidth, int resizedHeight) {
        return new Qwen25VlCodec(ResizeRule.fixed(resizedWidth, resizedHeight));
    }

    /**
     * How this codec finds the resized size.
     *
     * @return the resize rule
     */
    public ResizeRule rule() {
        return rule;
    }

    @Override
    public String name() {
        return "qwen2.5-vl";
    }
}
