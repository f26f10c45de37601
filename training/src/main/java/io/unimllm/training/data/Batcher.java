package io.unimllm.training.data;

import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import io.unimllm.tokenizer.ChatTemplate;
import io.unimllm.tokenizer.UnimllmTokenizer;
import io.unimllm.training.train.TrainingBatch;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns (image, instruction, answer) examples into padded {@link TrainingBatch}es: the chat template's prompt with
 * the image placeholder expanded to the model's image-sequence length, the answer plus EOS as the only supervised
 * tokens (labels -100 elsewhere), right padding, and, at the answer's task token, the region head's target (first box,
 * normalised) and the mask-prompt head's target (a point inside the target mask, see {@link MaskPointTarget}).
 * Examples come from a JSON Lines dataset ({@link Example#of(DatasetRecord)}) or from any generator that builds
 * {@link Example}s (the shapes world does).
 */
public final class Batcher {
    private final UnimllmTokenizer tokenizer;
    private final ChatTemplate template;
    private final ImagePreprocessor preprocessor;
    private final int imageTokens;
    private final String imageToken;
    private final int imageTokenId;
    private final int padId;
    private final int eosId;

    /**
     * A batcher for one model and tokenizer.
     *
     * @param tokenizer the model's tokenizer; must know {@code imageToken}
     * @param template the chat template that wraps each instruction into a prompt
     * @param preprocessor turns each example's image into the vision tower's pixel values
     * @param imageTokens image embeddings per image (the model's {@code imageSeqLength})
     * @param imageToken the placeholder string ({@code <image>})
     */
    public Batcher(UnimllmTokenizer tokenizer, ChatTemplate template, ImagePreprocessor preprocessor, int imageTokens,
            String imageToken) {
        this.tokenizer = tokenizer;
        this.template = template;
        this.preprocessor = preprocessor;
        this.imageTokens = imageTokens;
        this.imageToken = imageToken;
        this.imageTokenId = tokenizer.tokenId(imageToken);
        this.padId = tokenizer.find("<pad>").orElse(0);
        this.eosId = tokenizer.eosIds().isEmpty() ? tokenizer.tokenId("</s>") : tokenizer.eosIds().get(0);
    }

    /**
     * One supervised example.
     *
     * @param image the input image
     * @param instruction the user's instruction, without the image placeholder
     * @param answer the assistant's answer, the only supervised text
     * @param regionTarget the first target box in pixels, or null
     * @param maskTarget the target mask (segment and edit tasks), or null
     */
    public record Example(BufferedImage image, String instruction, String answer, Box regionTarget, Mask maskTarget) {
        /**
         * An example without a target mask.
         *
         * @param image the input image
         * @param instruction the user's instruction, without the image placeholder
         * @param answer the assistant's answer
         * @param regionTarget the first target box in pixels, or null
         */
        public Example(BufferedImage image, String instruction, String answer, Box regionTarget) {
            this(image, instruction, answer, regionTarget, null);
        }

        /**
         * A record of a JSON Lines dataset ({@link JsonlDatasetReader}): its image, the first user turn without the
         * {@code <image>} line, the last assistant turn, the first box and the first mask (files are read here).
         *
         * @param r the record
         * @return the example, with its image and mask loaded
         */
        public static Example of(DatasetRecord r) {
            return new Example(r.loadImage(), r.instruction(), r.assistantContent(),
                    r.boxes().isEmpty() ? null : r.boxes().get(0), r.masks().isEmpty() ? null : r.loadMask(0));
        }
    }

    /**
     * Prompt ids with the image placeholder expanded, as both training and inference feed the model.
     *
     * @param instruction the user's instruction
     * @return the token ids of the templated prompt, the placeholder repeated once per image embedding
     */
    public int[] promptIds(String instruction) {
        int[] raw = tokenizer.encode(template.prompt(instruction, imageToken), true);
        List<Integer> out = new ArrayList<>();
        for (int id : raw) {
            if (id == imageTokenId) {
                for (int i = 0; i < imageTokens; i++) {
                    out.add(imageTokenId);
                }
            } else {
                out.add(id);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Builds one padded batch.
     *
     * @param examples the rows of the batch
     * @return the batch, padded on the right to its longest row
     */
    public TrainingBatch batch(List<Example> examples) {
        int b = examples.size();
        List<int[]> prompts = new ArrayList<>();
        List<int[]> answers = new ArrayList<>();
        int len = 0;
        for (Example e : examples) {
            int[] p = promptIds(e.instruction());
            int[] a = tokenizer.encode(" " + e.answer(), false);
            prompts.add(p);
            answers.add(a);
            len = Math.max(len, p.length + a.length + 1);
        }
        long[][] ids = new long[b][len];
        int[][] labels = new int[b][len];
        float[][] pixels = new float[b][];
        float[][] targets = new float[b][];
        float[][] points = new float[b][];
        int[] regionIndex = new int[b];
        boolean anyTarget = false;
        boolean anyPoint = false;
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            int[] a = answers.get(i);
            java.util.Arrays.fill(ids[i], padId);
            java.util.Arrays.fill(labels[i], TrainingBatch.IGNORE);
            for (int j = 0; j < p.length; j++) {
                ids[i][j] = p[j];
            }
            for (int j = 0; j < a.length; j++) {
                ids[i][p.length + j] = a[j];
                labels[i][p.length + j] = a[j];
            }
            ids[i][p.length + a.length] = eosId;
            labels[i][p.length + a.length] = eosId;
            Example e = examples.get(i);
            pixels[i] = preprocessor.toPixelValues(e.image());
            regionIndex[i] = -1;
            boolean taskToken = a.length > 0 && tokenizer.isSpecial(a[0]);
            if (e.maskTarget() != null && taskToken) {
                points[i] = MaskPointTarget.normalised(e.maskTarget());
                if (points[i] != null) {
                    regionIndex[i] = p.length; // the task token's position
                    anyPoint = true;
                }
            }
            if (e.regionTarget() != null && taskToken) {
                double w = e.image().getWidth();
                double h = e.image().getHeight();
                Box r = e.regionTarget();
                targets[i] = new float[] {(float) (r.x1() / w), (float) (r.y1() / h), (float) (r.x2() / w),
                    (float) (r.y2() / h)};
                regionIndex[i] = p.length; // the task token's position
                anyTarget = true;
            }
        }
        return new TrainingBatch(ids, labels, pixels, anyTarget ? targets : null, regionIndex,
                anyPoint ? points : null);
    }
}
