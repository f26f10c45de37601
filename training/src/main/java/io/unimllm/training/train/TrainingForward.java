package io.unimllm.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.model.LlavaModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The teacher-forced forward pass of a LLaVA-style model over a {@link TrainingBatch}: image features spliced into each
 * row by the model's own rule ({@link LlavaModel#embedPrompt}, the one generation uses), a causal decoder pass,
 * logits. Differentiable through DJL's PyTorch autograd.
 */
final class TrainingForward {
    private TrainingForward() {
    }

    /** Hidden states {@code [B, T, H]} (after the final norm) and logits {@code [B, T, V]}. */
    record Output(NDArray hidden, NDArray logits) {
    }

    static Output run(LlavaModel model, TrainingBatch batch, NDManager manager) {
        int b = batch.size();
        int t = batch.length();
        long[] flat = new long[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(batch.inputIds()[i], 0, flat, i * t, t);
        }
        NDArray ids = manager.create(flat, new Shape(b, t));
        NDArray embeds;
        if (batch.pixels() != null) {
            embeds = spliceImages(model, batch, manager);
        } else {
            embeds = model.decoder().embed(ids);
        }
        long[] pos = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                pos[i * t + j] = j;
            }
        }
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = -1e30f;
            }
        }
        NDArray hidden = model.decoder().forward(embeds, manager.create(pos, new Shape(b, t)),
                manager.create(mask, new Shape(1, 1, 1, t, t)).toType(model.dtype(), false), null);
        return new Output(hidden, model.decoder().logits(hidden));
    }

    private static NDArray spliceImages(LlavaModel model, TrainingBatch batch, NDManager manager) {
        var vc = model.config().vision();
        int size = vc.numChannels() * vc.imageSize() * vc.imageSize();
        float[] all = new float[batch.size() * size];
        for (int i = 0; i < batch.size(); i++) {
            if (batch.pixels()[i].length != size) {
                throw new IllegalArgumentException("row " + i + " has " + batch.pixels()[i].length
                        + " pixel values, the vision tower takes " + size);
            }
            System.arraycopy(batch.pixels()[i], 0, all, i * size, size);
        }
        NDArray px = manager.create(all, new Shape(batch.size(), vc.numChannels(), vc.imageSize(), vc.imageSize()));
        NDArray features = model.encodeImages(px);
        List<NDArray> rows = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            long[] row = batch.inputIds()[i];
            int[] ids = new int[row.length];
            for (int j = 0; j < row.length; j++) {
                ids[j] = Math.toIntExact(row[j]);
            }
            // the rule generation uses, on ids whose image run was expanded to the image's positions
            if (model.promptPositions(ids, 1) != row.length) {
                throw new IllegalArgumentException("row " + i + " has no run of " + model.config().imageSeqLength()
                        + " image tokens");
            }
            rows.add(model.embedPrompt(ids, features.get(new NDIndex("{}:{}", i, i + 1)), manager));
        }
        return NDArrays.stack(new NDList(rows));
    }
}
