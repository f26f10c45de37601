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
 * The teacher-forced forward pass of a LLaVA-style model over a {@link TrainingBatch}: image features spliced at the
 * image-token run of each row, a causal decoder pass, logits. Differentiable through DJL's PyTorch autograd.
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
        NDArray embeds = model.decoder().embed(ids);
        if (batch.pixels() != null) {
            embeds = spliceImages(model, batch, embeds, manager);
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

    private static NDArray spliceImages(LlavaModel model, TrainingBatch batch, NDArray embeds, NDManager manager) {
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
        int n = model.config().imageSeqLength();
        int imageToken = model.config().imageTokenIndex();
        List<NDArray> rows = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            long[] row = batch.inputIds()[i];
            int start = -1;
            for (int j = 0; j < row.length; j++) {
                if (row[j] == imageToken) {
                    start = j;
                    break;
                }
            }
            if (start < 0 || start + n > row.length) {
                throw new IllegalArgumentException("row " + i + " has no run of " + n + " image tokens");
            }
            NDArray e = embeds.get(i);
            NDList parts = new NDList();
            if (start > 0) {
                parts.add(e.get(new NDIndex("0:{}", start)));
            }
            parts.add(features.get(i));
            if (start + n < row.length) {
                parts.add(e.get(new NDIndex("{}:", start + n)));
            }
            rows.add(NDArrays.concat(parts, 0));
        }
        return NDArrays.stack(new NDList(rows));
    }
}
