package io.unimllm.training.data;

/**
 * One padded training batch as plain arrays (no DJL dependency).
 *
 * @param inputIds {@code [B][T]} prompt + answer + EOS ids, right-padded with the pad id
 * @param attentionMask {@code [B][T]} 1 for real tokens, 0 for padding
 * @param labels {@code [B][T]} the token id at answer and EOS positions, {@link ArrayBatcher#IGNORE_INDEX} elsewhere;
 *     aligned with {@code inputIds} (the loss shifts by one, as in Hugging Face causal LMs)
 * @param pixelValues {@code [B][3*H*W]} normalised RGB pixels, channel-major (CHW)
 * @param imageHeight H
 * @param imageWidth W
 * @param targetBoxes {@code [B][n][4]} target boxes {@code x1,y1,x2,y2} normalised to [0,1] (n may be 0)
 */
public record Batch(long[][] inputIds, long[][] attentionMask, long[][] labels, float[][] pixelValues,
        int imageHeight, int imageWidth, float[][][] targetBoxes) {

    /** Number of examples. */
    public int size() {
        return inputIds.length;
    }

    /** Padded sequence length. */
    public int sequenceLength() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }
}
