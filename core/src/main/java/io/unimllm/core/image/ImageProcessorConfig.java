package io.unimllm.core.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.protocol.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Pixel preprocessing of a checkpoint: target size, resize mode and per-channel normalisation. Read from
 * {@code preprocessor_config.json} (Hugging Face's CLIPImageProcessor fields: {@code crop_size}, {@code size},
 * {@code image_mean}, {@code image_std}, {@code rescale_factor}) plus {@code image_aspect_ratio} ("pad" selects
 * LLaVA's pad-to-square) from that file or config.json.
 *
 * @param size side of the square the vision tower reads
 * @param mode how non-square images are fitted
 * @param mean per-channel mean subtracted after rescaling to [0,1]
 * @param std per-channel standard deviation divided by
 * @param rescaleFactor factor from 0..255 to the range mean/std refer to (1/255)
 */
public record ImageProcessorConfig(int size, ResizeMode mode, float[] mean, float[] std, float rescaleFactor) {
    /** CLIP's (OpenAI) normalisation constants, which LLaVA uses. */
    public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    /** See {@link #CLIP_MEAN}. */
    public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    /** File name inside a checkpoint directory. */
    public static final String FILE = "preprocessor_config.json";

    /**
     * Validates and copies the arrays.
     *
     * @param size side of the square the vision tower reads, positive
     * @param mode how non-square images are fitted
     * @param mean per-channel mean subtracted after rescaling
     * @param std per-channel standard deviation divided by, each positive
     * @param rescaleFactor factor from 0..255 to the range mean/std refer to
     * @throws IllegalArgumentException when the size is not positive, mean and std are empty or of different
     *     lengths, or a std value is not positive
     */
    public ImageProcessorConfig {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std must have one value per channel");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive, got " + s);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * CLIP defaults for a vision tower of the given input side: {@link #CLIP_MEAN}, {@link #CLIP_STD}, 1/255.
     *
     * @param size side of the square the vision tower reads
     * @param mode how non-square images are fitted
     * @return the configuration
     */
    public static ImageProcessorConfig clipDefaults(int size, ResizeMode mode) {
        return new ImageProcessorConfig(size, mode, CLIP_MEAN, CLIP_STD, 1f / 255f);
    }

    /**
     * Reads the preprocessing of a checkpoint directory; CLIP defaults at {@code visionImageSize} for what is absent.
     * Without any {@code image_aspect_ratio} the mode is {@link ResizeMode#SHORTEST_EDGE_CENTER_CROP}.
     *
     * @param dir the checkpoint directory
     * @param visionImageSize the vision tower's input side ({@code vision_config.image_size})
     * @return the configuration
     * @throws ConfigException when a present file (preprocessor_config.json or config.json) is malformed or
     *     disagrees with the vision tower's input size
     */
    public static ImageProcessorConfig load(Path dir, int visionImageSize) {
        ObjectMapper json = new ObjectMapper();
        Path file = dir.resolve(FILE);
        ResizeMode mode = aspectMode(json, dir.resolve("config.json"), ResizeMode.SHORTEST_EDGE_CENTER_CROP);
        if (!Files.isRegularFile(file)) {
            return clipDefaults(visionImageSize, mode);
        }
        try {
            JsonNode root = json.readTree(file.toFile());
            int size = visionImageSize;
            JsonNode crop = root.get("crop_size");
            if (crop != null && !crop.isNull()) {
                size = crop.isInt() ? crop.asInt() : crop.path("height").asInt(visionImageSize);
            }
            if (size != visionImageSize) {
                throw new ConfigException("crop_size " + size + " differs from vision_config.image_size "
                        + visionImageSize, file);
            }
            mode = aspectMode(json, file, mode);
            float[] mean = floats(root.get("image_mean"), CLIP_MEAN, "image_mean", file);
            float[] std = floats(root.get("image_std"), CLIP_STD, "image_std", file);
            JsonNode rescaleNode = root.get("rescale_factor");
            if (rescaleNode != null && !rescaleNode.isNull()
                    && !(rescaleNode.isNumber() && rescaleNode.asDouble() > 0)) {
                throw new ConfigException("rescale_factor must be a positive number, got " + rescaleNode, file);
            }
            float rescale = (float) root.path("rescale_factor").asDouble(1.0 / 255.0);
            return new ImageProcessorConfig(size, mode, mean, std, rescale);
        } catch (IOException e) {
            throw new ConfigException("preprocessor_config.json is not valid JSON: " + e.getMessage(), file, e);
        } catch (ConfigException e) {
            throw e; // already names the file and the field
        } catch (IllegalArgumentException e) {
            throw new ConfigException("preprocessor_config.json: " + e.getMessage(), file, e);
        }
    }

    private static ResizeMode aspectMode(ObjectMapper json, Path file, ResizeMode fallback) {
        if (!Files.isRegularFile(file)) {
            return fallback;
        }
        try {
            JsonNode v = json.readTree(file.toFile()).get("image_aspect_ratio");
            if (v == null || v.isNull()) {
                return fallback;
            }
            return switch (v.asText().toLowerCase(Locale.ROOT)) {
                case "pad" -> ResizeMode.PAD_TO_SQUARE;
                case "square", "stretch" -> ResizeMode.STRETCH;
                case "crop", "center_crop" -> ResizeMode.SHORTEST_EDGE_CENTER_CROP;
                default -> throw new ConfigException("image_aspect_ratio '" + v.asText()
                        + "' is not one of pad, square, crop", file);
            };
        } catch (IOException e) {
            throw new ConfigException("not valid JSON: " + e.getMessage(), file, e);
        }
    }

    private static float[] floats(JsonNode node, float[] fallback, String field, Path file) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isArray() || node.size() != 3) {
            throw new ConfigException(field + " must be an array of 3 numbers, got " + node, file);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!node.get(i).isNumber()) { // asDouble() would silently read a string as 0
                throw new ConfigException(field + "[" + i + "] must be a number, got " + node.get(i), file);
            }
            out[i] = (float) node.get(i).asDouble();
        }
        return out;
    }

    /**
     * Per-channel mean subtracted after rescaling.
     *
     * @return a copy of the means
     */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /**
     * Per-channel standard deviation divided by.
     *
     * @return a copy of the standard deviations
     */
    @Override
    public float[] std() {
        return std.clone();
    }
}
