package io.unimllm.protocol.profile;

import io.unimllm.protocol.codec.Codecs;
import io.unimllm.protocol.codec.CoordinateFrame;
import io.unimllm.protocol.codec.GroundingCodec;
import io.unimllm.protocol.codec.ResizeRule;
import java.util.List;
import java.util.Objects;

/**
 * What a model family's grounding answers mean: the syntax ({@link #codecName()}), the coordinate frame, which image
 * size that frame refers to, the special tokens the answer needs kept when decoding ids to text (decoders drop
 * special tokens by default, and with them {@code <|box_start|>} or {@code <ref>}), and the chat template.
 *
 * @param name the profile's name, e.g. {@code "qwen2.5-vl"}
 * @param codecName the grounding codec's name for {@link Codecs#byName(String, ResizeRule)}
 * @param frame the coordinate frame of the model's numbers
 * @param imageSize the image size the frame refers to: {@link ResizeRule#original()} for frames relative to the
 *     original image, the model's resize rule for frames in pixels of its resized input
 * @param specialTokens the grounding and image tokens of the model's vocabulary, which a decoder must keep
 * @param chatTemplate the default chat template's name ({@code chatml}, {@code llama2}, {@code llava_v1} are
 *     built into the tokenizer module; other names name the family's own template, to be supplied by the caller)
 * @param modelTypes the {@code model_type} values of the family's {@code config.json} files
 */
public record ModelProfile(String name, String codecName, CoordinateFrame frame, ResizeRule imageSize,
        List<String> specialTokens, String chatTemplate, List<String> modelTypes) {
    /**
     * Checks the components and copies the lists.
     *
     * @param name the profile's name
     * @param codecName the codec's name
     * @param frame the coordinate frame
     * @param imageSize the image size the frame refers to
     * @param specialTokens the special tokens to keep
     * @param chatTemplate the chat template's name
     * @param modelTypes the {@code config.json} model types
     * @throws NullPointerException when a component is null
     */
    public ModelProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(codecName, "codecName");
        Objects.requireNonNull(frame, "frame");
        Objects.requireNonNull(imageSize, "imageSize");
        specialTokens = List.copyOf(specialTokens);
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        modelTypes = List.copyOf(modelTypes);
    }

    /**
     * A new codec for this profile's answers (a codec whose frame counts resized pixels gets this profile's rule).
     *
     * @return the grounding codec
     */
    public GroundingCodec codec() {
        return Codecs.byName(codecName, imageSize);
    }

    /**
     * This profile with another image-size rule: for a server started with other {@code min_pixels} /
     * {@code max_pixels}, or with the resized size it reported for one image ({@link ResizeRule#fixed(int, int)}).
     * Frames relative to the original image do not depend on it.
     *
     * @param rule the rule
     * @return a copy with that rule (and, for a resized-pixel frame, that frame)
     * @throws NullPointerException when {@code rule} is null
     */
    public ModelProfile withImageSize(ResizeRule rule) {
        Objects.requireNonNull(rule, "rule");
        CoordinateFrame f = frame instanceof CoordinateFrame.ResizedPixels ? new CoordinateFrame.ResizedPixels(rule)
                : frame;
        return new ModelProfile(name, codecName, f, rule, specialTokens, chatTemplate, modelTypes);
    }
}
