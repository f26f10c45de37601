package io.unimllm.protocol.codec;

/**
 * Which image size a model's coordinate frame refers to: the original image, or the size the model's own
 * preprocessor resizes it to before the vision encoder sees it (Qwen2.5-VL writes absolute pixels of that resized
 * input). A rule maps the original size to the size the frame counts pixels of.
 */
public sealed interface ResizeRule permits ResizeRule.Original, ResizeRule.Fixed, ResizeRule.SmartResize {

    /**
     * The size the frame refers to for an image of the given original size.
     *
     * @param width the original image's width in pixels
     * @param height the original image's height in pixels
     * @return the size the model's coordinates count pixels of
     * @throws IllegalArgumentException when the size is not positive, or the rule cannot resize an image of that
     *     shape (Qwen's rule refuses aspect ratios above 200)
     */
    Size apply(int width, int height);

    /**
     * An image size.
     *
     * @param width width in pixels, positive
     * @param height height in pixels, positive
     */
    record Size(int width, int height) {
        /**
         * Checks the size.
         *
         * @param width width in pixels
         * @param height height in pixels
         * @throws IllegalArgumentException when either side is not positive
         */
        public Size {
            Quantizer.checkSize(width, height);
        }
    }

    /**
     * The original image: the frame counts pixels of the image the caller has.
     *
     * @return the identity rule
     */
    static ResizeRule original() {
        return new Original();
    }

    /**
     * A resized size known from elsewhere (for example {@code image_grid_thw * patch_size} reported by the server
     * that ran the model); the original size is ignored.
     *
     * @param width the resized input's width in pixels
     * @param height the resized input's height in pixels
     * @return a rule that always answers that size
     * @throws IllegalArgumentException when the size is not positive
     */
    static ResizeRule fixed(int width, int height) {
        return new Fixed(new Size(width, height));
    }

    /** The identity: coordinates refer to the original image. */
    record Original() implements ResizeRule {
        @Override
        public Size apply(int width, int height) {
            return new Size(width, height);
        }
    }

    /**
     * A resized size given by the caller.
     *
     * @param size the resized input's size
     */
    record Fixed(Size size) implements ResizeRule {
        /**
         * Checks the size is present.
         *
         * @param size the resized input's size
         * @throws NullPointerException when {@code size} is null
         */
        public Fixed {
            java.util.Objects.requireNonNull(size, "size");
        }

        @Override
        public Size apply(int width, int height) {
            Quantizer.checkSize(width, height);
            return size;
        }
    }

    /**
     * Qwen's {@code smart_resize} (qwen-vl-utils {@code vision_process.py}, used by Qwen2-VL, Qwen2.5-VL and
     * Qwen3-VL): both sides become multiples of {@code factor} ({@code patch_size * merge_size}: 28 for Qwen2/2.5-VL,
     * 32 for Qwen3-VL), the pixel count is kept within {@code [minPixels, maxPixels]}, the aspect ratio as close as
     * those allow. Computed exactly as the Python code does, including Python's {@code round}, which rounds halves to
     * the even neighbour ({@code round(14.5) == 14}): so a side of 406 px becomes 392, not 420.
     *
     * <pre>
     * h = max(factor, round(height / factor) * factor); w likewise
     * if h * w &gt; maxPixels: beta = sqrt(height * width / maxPixels); h = floor(height / beta / factor) * factor; ...
     * elif h * w &lt; minPixels: beta = sqrt(minPixels / (height * width)); h = ceil(height * beta / factor) * factor; ...
     * </pre>
     *
     * <p>One deviation: where Python's floor would give 0 (aspect ratios near 200 with a small {@code maxPixels}),
     * this rule keeps {@code factor}, as recent transformers versions do; Qwen's code would fail on such an image.
     *
     * @param factor the multiple both sides are rounded to, positive
     * @param minPixels the least pixel count, positive
     * @param maxPixels the largest pixel count, at least {@code minPixels}
     */
    record SmartResize(int factor, long minPixels, long maxPixels) implements ResizeRule {
        /** Qwen's limit on {@code max(h, w) / min(h, w)}. */
        public static final int MAX_RATIO = 200;

        /**
         * Checks the parameters.
         *
         * @param factor the multiple both sides are rounded to
         * @param minPixels the least pixel count
         * @param maxPixels the largest pixel count
         * @throws IllegalArgumentException when a parameter is not positive or {@code maxPixels < minPixels}
         */
        public SmartResize {
            if (factor <= 0 || minPixels <= 0 || maxPixels < minPixels) {
                throw new IllegalArgumentException("smart_resize needs factor > 0 and 0 < min_pixels <= max_pixels: "
                        + factor + ", " + minPixels + ", " + maxPixels);
            }
        }

        /**
         * Qwen2.5-VL as its checkpoints ship it ({@code preprocessor_config.json}: patch 14, merge 2,
         * {@code min_pixels} 3136, {@code max_pixels} 12845056), which transformers and vLLM use by default.
         *
         * @return {@code SmartResize(28, 3136, 12845056)}
         */
        public static SmartResize qwen25Vl() {
            return new SmartResize(28, 56 * 56, 16384L * 28 * 28);
        }

        /**
         * Qwen3-VL's defaults in qwen-vl-utils (patch 16, merge 2; 4 to 16384 tokens of 32 x 32 pixels).
         *
         * @return {@code SmartResize(32, 4 * 32 * 32, 16384 * 32 * 32)}
         */
        public static SmartResize qwen3Vl() {
            return new SmartResize(32, 4L * 32 * 32, 16384L * 32 * 32);
        }

        @Override
        public Size apply(int width, int height) {
            Quantizer.checkSize(width, height);
            if ((double) Math.max(width, height) / Math.min(width, height) > MAX_RATIO) {
                throw new IllegalArgumentException("Qwen's smart_resize refuses aspect ratios above " + MAX_RATIO
                        + ": image is " + width + "x" + height);
            }
            long h = Math.max(factor, roundByFactor(height));
            long w = Math.max(factor, roundByFactor(width));
            double pixels = (double) height * width;
            if (h * w > maxPixels) {
                double beta = Math.sqrt(pixels / maxPixels);
                h = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
                w = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
            } else if (h * w < minPixels) {
                double beta = Math.sqrt(minPixels / pixels);
                h = (long) Math.ceil(height * beta / factor) * factor;
                w = (long) Math.ceil(width * beta / factor) * factor;
            }
            return new Size(Math.toIntExact(w), Math.toIntExact(h));
        }

        /** Python's {@code round(n / factor) * factor}: true division, then round half to even. */
        private long roundByFactor(int n) {
            return (long) Math.rint((double) n / factor) * factor;
        }
    }
}
