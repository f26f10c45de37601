package io.unimllm.training.train;

/**
 * One micro-batch, already tokenised and padded.
 *
 * @param inputIds {@code [B][T]} token ids; each image is a run of the model's image-sequence length of image tokens
 * @param labels {@code [B][T]} target ids aligned with {@code inputIds} (the loss predicts {@code labels[t+1]} from
 *     position {@code t}, as transformers does); -100 where no loss is taken (prompt, padding)
 * @param pixels {@code [B][C*H*W]} normalised pixel values, one image per row, or null for text-only batches
 * @param regionTargets {@code [B][4]} normalised {@code x1,y1,x2,y2} targets of the region head, or null rows where
 *     a sample has none (null altogether when no sample has one)
 * @param regionTokenIndex {@code [B]} position (the answer's task token) whose last-layer hidden state feeds the task
 *     heads (region and mask-prompt), -1 for none
 * @param pointTargets {@code [B][2]} normalised {@code x,y} targets of the mask-prompt head (a point inside the target
 *     mask), or null rows where a sample has no mask (null altogether when no sample has one)
 */
public record TrainingBatch(long[][] inputIds, int[][] labels, float[][] pixels, float[][] regionTargets,
        int[] regionTokenIndex, float[][] pointTargets) {
    /** Ignored label value. */
    public static final int IGNORE = -100;

    /**
     * Validates that the arrays agree in batch size and length.
     *
     * @param inputIds {@code [B][T]} token ids; each image is a run of image tokens
     * @param labels {@code [B][T]} target ids aligned with {@code inputIds}; -100 where no loss is taken
     * @param pixels {@code [B][C*H*W]} normalised pixel values, or null for text-only batches
     * @param regionTargets {@code [B][4]} region-head targets, or null (rows or altogether)
     * @param regionTokenIndex {@code [B]} task-token positions feeding the task heads, -1 for none
     * @param pointTargets {@code [B][2]} mask-prompt-head targets, or null (rows or altogether)
     * @throws IllegalArgumentException when the arrays disagree in batch size or a row is not padded to length
     */
    public TrainingBatch {
        int b = inputIds.length;
        if (b == 0 || labels.length != b) {
            throw new IllegalArgumentException("inputIds and labels must have the same non-zero batch size");
        }
        int t = inputIds[0].length;
        for (int i = 0; i < b; i++) {
            if (inputIds[i].length != t || labels[i].length != t) {
                throw new IllegalArgumentException("row " + i + " is not padded to length " + t);
            }
        }
        if (pixels != null && pixels.length != b) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " rows for a batch of " + b);
        }
        if (regionTokenIndex != null && regionTokenIndex.length != b) {
            throw new IllegalArgumentException("regionTokenIndex has " + regionTokenIndex.length + " rows");
        }
        if (pointTargets != null && pointTargets.length != b) {
            throw new IllegalArgumentException("pointTargets has " + pointTargets.length + " rows");
        }
    }

    /**
     * A batch without mask-prompt targets.
     *
     * @param inputIds {@code [B][T]} token ids
     * @param labels {@code [B][T]} target ids, -100 where no loss is taken
     * @param pixels {@code [B][C*H*W]} pixel values, or null
     * @param regionTargets {@code [B][4]} region-head targets, or null
     * @param regionTokenIndex {@code [B]} task-token positions, -1 for none
     */
    public TrainingBatch(long[][] inputIds, int[][] labels, float[][] pixels, float[][] regionTargets,
            int[] regionTokenIndex) {
        this(inputIds, labels, pixels, regionTargets, regionTokenIndex, null);
    }

    /**
     * Batch size.
     *
     * @return the number of rows
     */
    public int size() {
        return inputIds.length;
    }

    /**
     * Padded length.
     *
     * @return the tokens per row
     */
    public int length() {
        return inputIds[0].length;
    }

    /**
     * Number of positions that carry a loss (after the shift).
     *
     * @return the supervised label count over all rows
     */
    public int supervisedTokens() {
        int n = 0;
        for (int[] row : labels) {
            for (int t = 1; t < row.length; t++) {
                n += row[t] != IGNORE ? 1 : 0;
            }
        }
        return n;
    }
}
