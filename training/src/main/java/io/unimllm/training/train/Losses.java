package io.unimllm.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.model.Casts;

/** Loss functions of the recipe, on DJL NDArrays (differentiable). */
public final class Losses {
    private Losses() {
    }

    /**
     * Mean next-token cross entropy over supervised positions: position {@code t} predicts {@code labels[t+1]};
     * {@link TrainingBatch#IGNORE} labels take no loss. Computed in fp32 whatever the logits' dtype.
     *
     * @param logits {@code [B, T, V]}
     * @param labels {@code [B][T]} target ids aligned with the inputs
     * @param manager the manager of the arrays this creates
     * @return scalar loss; 0 when no position is supervised
     * @throws IllegalArgumentException when a supervised label lies outside the vocabulary
     */
    public static NDArray languageModel(NDArray logits, int[][] labels, NDManager manager) {
        int b = labels.length;
        int t = labels[0].length;
        long v = logits.getShape().get(2);
        float[] weight = new float[b * (t - 1)];
        long[] target = new long[b * (t - 1)];
        int count = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 1; j < t; j++) {
                int y = labels[i][j];
                if (y != TrainingBatch.IGNORE) {
                    if (y < 0 || y >= v) {
                        throw new IllegalArgumentException("label " + y + " at row " + i + " position " + j
                                + " lies outside the vocabulary of " + v);
                    }
                    weight[i * (t - 1) + j - 1] = 1f;
                    target[i * (t - 1) + j - 1] = y;
                    count++;
                }
            }
        }
        if (count == 0) {
            return manager.zeros(new Shape());
        }
        NDArray logp = Casts.to(logits.get(new NDIndex(":, :-1, :")), DataType.FLOAT32).logSoftmax(-1);
        NDArray oneHot = manager.create(target, new Shape(b, t - 1)).oneHot((int) v);
        NDArray nll = logp.mul(oneHot).sum(new int[] {-1}).neg();
        return nll.mul(manager.create(weight, new Shape(b, t - 1))).sum().div(count);
    }

    /**
     * TPO's region loss {@code 2 * L1 + (1 - GIoU) / 5}, averaged over boxes.
     *
     * @param predicted {@code [N, 4]} normalised x1, y1, x2, y2
     * @param target {@code [N, 4]} same convention
     * @return scalar loss
     */
    public static NDArray region(NDArray predicted, NDArray target) {
        NDArray l1 = predicted.sub(target).abs().sum(new int[] {1});
        return l1.mul(2f).add(giou(predicted, target).neg().add(1f).div(5f)).mean();
    }

    /**
     * The mask-prompt head's point loss: L1 distance between predicted and target points, summed over x and y and
     * averaged over points.
     *
     * @param predicted {@code [N, 2]} normalised x, y
     * @param target {@code [N, 2]} same convention
     * @return scalar loss
     */
    public static NDArray point(NDArray predicted, NDArray target) {
        return predicted.sub(target).abs().sum(new int[] {1}).mean();
    }

    /**
     * Generalised IoU of matching rows of two box arrays.
     *
     * @param p {@code [N, 4]} boxes as x1, y1, x2, y2
     * @param g {@code [N, 4]} boxes, same convention
     * @return {@code [N]} GIoU in [-1, 1]
     */
    public static NDArray giou(NDArray p, NDArray g) {
        NDArray px1 = p.get(":, 0");
        NDArray py1 = p.get(":, 1");
        NDArray px2 = p.get(":, 2");
        NDArray py2 = p.get(":, 3");
        NDArray gx1 = g.get(":, 0");
        NDArray gy1 = g.get(":, 1");
        NDArray gx2 = g.get(":, 2");
        NDArray gy2 = g.get(":, 3");
        NDArray areaP = px2.sub(px1).mul(py2.sub(py1));
        NDArray areaG = gx2.sub(gx1).mul(gy2.sub(gy1));
        NDArray iw = px2.minimum(gx2).sub(px1.maximum(gx1)).maximum(0f);
        NDArray ih = py2.minimum(gy2).sub(py1.maximum(gy1)).maximum(0f);
        NDArray inter = iw.mul(ih);
        NDArray union = areaP.add(areaG).sub(inter).add(1e-7f);
        NDArray iou = inter.div(union);
        NDArray cw = px2.maximum(gx2).sub(px1.minimum(gx1));
        NDArray ch = py2.maximum(gy2).sub(py1.minimum(gy1));
        NDArray enclosing = cw.mul(ch).add(1e-7f);
        return iou.sub(enclosing.sub(union).div(enclosing));
    }
}
