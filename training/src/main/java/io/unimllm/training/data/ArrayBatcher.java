package io.unimllm.training.data;

import io.unimllm.geometry.Box;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Builds {@link Batch}es: prompt tokens are masked out of the loss, answer tokens and a final EOS are learned,
 * sequences are right-padded, images resized (bilinear) to a fixed size and normalised per channel.
 */
public final class ArrayBatcher {
    /** The label value the loss ignores. */
    public static final long IGNORE_INDEX = -100;

    private final TextEncoder encoder;
    private final PromptTemplate template;
    private final int padId;
    private final int eosId;
    private final int bosId;
    private final int maxLength;
    private final int imageSize;
    private final float[] mean;
    private final float[] std;

    private ArrayBatcher(Builder b) {
        this.encoder = Objects.requireNonNull(b.encoder, "encoder");
        this.template = Objects.requireNonNull(b.template, "template");
        this.padId = b.padId;
        this.eosId = b.eosId;
        this.bosId = b.bosId;
        this.maxLength = b.maxLength;
        this.imageSize = b.imageSize;
        this.mean = b.mean.clone();
        this.std = b.std.clone();
        if (padId < 0 || eosId < 0) {
            throw new IllegalArgumentException("padId and eosId must be set (>= 0): pad=" + padId + " eos=" + eosId);
        }
        if (imageSize <= 0) {
            throw new IllegalArgumentException("imageSize must be positive: " + imageSize);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 channel values");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive: " + Arrays.toString(std));
            }
        }
    }

    /** A builder; {@code encoder}, {@code padId} and {@code eosId} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds one batch from {@code examples}. */
    public Batch batch(List<TrainingExample> examples) {
        int n = examples.size();
        long[][] ids = new long[n][];
        long[][] labels = new long[n][];
        int longest = 0;
        for (int i = 0; i < n; i++) {
            TrainingExample e = examples.get(i);
            int[] prompt = encoder.encode(template.render(e.userContent()));
            if (bosId >= 0) {
                int[] withBos = new int[prompt.length + 1];
                withBos[0] = bosId;
                System.arraycopy(prompt, 0, withBos, 1, prompt.length);
                prompt = withBos;
            }
            int[] answer = encoder.encode(e.answer());
            int len = prompt.length + answer.length + 1;
            if (maxLength > 0 && len > maxLength) {
                throw new IllegalArgumentException("example " + e.id() + " has " + len + " tokens, more than maxLength "
                        + maxLength);
            }
            ids[i] = new long[len];
            labels[i] = new long[len];
            for (int t = 0; t < prompt.length; t++) {
                ids[i][t] = prompt[t];
                labels[i][t] = IGNORE_INDEX;
            }
            for (int t = 0; t < answer.length; t++) {
                ids[i][prompt.length + t] = answer[t];
                labels[i][prompt.length + t] = answer[t];
            }
            ids[i][len - 1] = eosId;
            labels[i][len - 1] = eosId;
            longest = Math.max(longest, len);
        }
        long[][] paddedIds = new long[n][longest];
        long[][] mask = new long[n][longest];
        long[][] paddedLabels = new long[n][longest];
        float[][] pixels = new float[n][];
        float[][][] boxes = new float[n][][];
        for (int i = 0; i < n; i++) {
            Arrays.fill(paddedIds[i], padId);
            Arrays.fill(paddedLabels[i], IGNORE_INDEX);
            System.arraycopy(ids[i], 0, paddedIds[i], 0, ids[i].length);
            System.arraycopy(labels[i], 0, paddedLabels[i], 0, labels[i].length);
            Arrays.fill(mask[i], 0, ids[i].length, 1);
            TrainingExample e = examples.get(i);
            pixels[i] = pixels(e.image());
            boxes[i] = normalisedBoxes(e.boxes(), e.image().getWidth(), e.image().getHeight());
        }
        return new Batch(paddedIds, mask, paddedLabels, pixels, imageSize, imageSize, boxes);
    }

    /** Normalised CHW pixels of {@code image} resized to the configured size. */
    public float[] pixels(BufferedImage image) {
        BufferedImage img = image.getWidth() == imageSize && image.getHeight() == imageSize ? image : resize(image);
        int plane = imageSize * imageSize;
        float[] out = new float[3 * plane];
        for (int y = 0; y < imageSize; y++) {
            for (int x = 0; x < imageSize; x++) {
                int rgb = img.getRGB(x, y);
                int p = y * imageSize + x;
                out[p] = (((rgb >> 16) & 0xFF) / 255f - mean[0]) / std[0];
                out[plane + p] = (((rgb >> 8) & 0xFF) / 255f - mean[1]) / std[1];
                out[2 * plane + p] = ((rgb & 0xFF) / 255f - mean[2]) / std[2];
            }
        }
        return out;
    }

    private BufferedImage resize(BufferedImage image) {
        BufferedImage out = new BufferedImage(imageSize, imageSize, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, imageSize, imageSize, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static float[][] normalisedBoxes(List<Box> boxes, int width, int height) {
        float[][] out = new float[boxes.size()][];
        for (int k = 0; k < boxes.size(); k++) {
            Box b = boxes.get(k);
            out[k] = new float[] {(float) (b.x1() / width), (float) (b.y1() / height), (float) (b.x2() / width),
                (float) (b.y2() / height)};
        }
        return out;
    }

    /** Builder for {@link ArrayBatcher}. */
    public static final class Builder {
        private TextEncoder encoder;
        private PromptTemplate template = PromptTemplate.plain();
        private int padId = -1;
        private int eosId = -1;
        private int bosId = -1;
        private int maxLength;
        private int imageSize = 64;
        private float[] mean = {0.5f, 0.5f, 0.5f};
        private float[] std = {0.5f, 0.5f, 0.5f};

        private Builder() {
        }

        /** The tokenizer. */
        public Builder encoder(TextEncoder encoder) {
            this.encoder = encoder;
            return this;
        }

        /** The prompt template (default {@link PromptTemplate#plain()}). */
        public Builder template(PromptTemplate template) {
            this.template = template;
            return this;
        }

        /** Id used to pad input ids. */
        public Builder padId(int padId) {
            this.padId = padId;
            return this;
        }

        /** Id appended after each answer and learned. */
        public Builder eosId(int eosId) {
            this.eosId = eosId;
            return this;
        }

        /** Id put before every prompt (not learned); default none. */
        public Builder bosId(int bosId) {
            this.bosId = bosId;
            return this;
        }

        /** Longest allowed sequence; longer examples throw. 0 (default) means no limit. */
        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /** Side the images are resized to (default 64). */
        public Builder imageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        /** Per-channel RGB mean and std on the 0..1 scale (default 0.5 / 0.5). */
        public Builder normalisation(float[] mean, float[] std) {
            this.mean = mean.clone();
            this.std = std.clone();
            return this;
        }

        /** The batcher. */
        public ArrayBatcher build() {
            return new ArrayBatcher(this);
        }
    }
}
