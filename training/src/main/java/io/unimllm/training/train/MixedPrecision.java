package io.unimllm.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.unimllm.core.model.DenseLinear;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.MaskPromptHead;
import io.unimllm.core.model.RegionHead;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fp16 side of {@link TrainingOptions.Precision#FP16_MIXED} training. The model's own fp32 tensors stay the master
 * weights, which the {@link Trainer} updates; this class owns everything else: the fp16 working copy of the model
 * ({@link LlavaModel#castCopy}, with fp16 copies of the adapters and heads), the fp32 master gradients, and the
 * dynamic loss scale with its overflow count. All its arrays live in the working copy's manager, which
 * {@link #close()} closes.
 */
final class MixedPrecision implements AutoCloseable {
    /** The fp16 copy the forward and backward run on; its manager also holds every array below. */
    private final LlavaModel compute;
    private final RegionHead computeHead;
    private final MaskPromptHead computeMaskHead;
    /** The fp32 master of every trainable tensor, by name (the trainer's map). */
    private final Map<String, NDArray> masters;
    /** fp16 working copy of every trainable tensor, by name. */
    private final Map<String, NDArray> working = new LinkedHashMap<>();
    /** Every fp16 working array with its fp32 master, trainable or not, for re-synchronising copies. */
    private final List<NDArray[]> workingToMaster = new ArrayList<>();
    /** fp32 gradients (scaled until unscaled for an update) of the trainable tensors. */
    private final Map<String, NDArray> masterGrads = new LinkedHashMap<>();
    private final LossScaler scaler;
    private int overflows;

    /**
     * Makes the fp16 working copy of {@code model} and of its adapters and heads, and fp32 gradient buffers for the
     * trainable tensors.
     *
     * @param model the fp32 model whose weights are the masters
     * @param trainable the master tensors that train, by name
     * @param lora the adapters inserted into {@code model}, or null
     * @param head the region head, or null
     * @param maskHead the mask-prompt head, or null
     * @param lossScale the dynamic loss scale's settings
     * @throws IllegalArgumentException when {@code model} is not fp32
     */
    MixedPrecision(LlavaModel model, Map<String, NDArray> trainable, LoraAdapters lora, RegionHead head,
            MaskPromptHead maskHead, TrainingOptions.LossScale lossScale) {
        this.masters = trainable;
        this.scaler = new LossScaler(lossScale);
        if (model.dtype() != DataType.FLOAT32) {
            throw new IllegalArgumentException("fp16 mixed precision keeps fp32 master weights: load the model "
                    + "in fp32 (LoadOptions dtype FLOAT32), not " + model.dtype());
        }
        LlavaModel copy = model.castCopy(DataType.FLOAT16); // with the model's (training) plan
        try {
            compute = copy;
            NDManager cm = copy.manager();
            Map<String, NDArray> copies = new HashMap<>(copy.parameters());
            if (lora != null) {
                copies.putAll(lora.insertCopies(copy, DataType.FLOAT16, cm));
            }
            computeHead = head == null ? null
                    : new RegionHead(halfLinear(head.parameters(), RegionHead.PREFIX + "fc1", copies, cm),
                            halfLinear(head.parameters(), RegionHead.PREFIX + "fc2", copies, cm));
            computeMaskHead = maskHead == null ? null
                    : new MaskPromptHead(halfLinear(maskHead.parameters(), MaskPromptHead.PREFIX + "fc1", copies, cm),
                            halfLinear(maskHead.parameters(), MaskPromptHead.PREFIX + "fc2", copies, cm));
            Map<String, NDArray> all = new HashMap<>(model.parameters());
            if (lora != null) {
                all.putAll(lora.parameters());
            }
            if (head != null) {
                all.putAll(head.parameters());
            }
            if (maskHead != null) {
                all.putAll(maskHead.parameters());
            }
            copies.forEach((name, c) -> workingToMaster.add(new NDArray[] {c, all.get(name)}));
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                NDArray c = copies.get(e.getKey());
                if (c == null) {
                    throw new IllegalStateException("no fp16 working copy of " + e.getKey());
                }
                working.put(e.getKey(), c);
                masterGrads.put(e.getKey(), cm.zeros(e.getValue().getShape(), DataType.FLOAT32));
            }
            working.values().forEach(p -> p.setRequiresGradient(true));
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
    }

    /** An fp16 copy of the linear layer {@code name} among {@code params}, recorded in {@code copies}. */
    private static DenseLinear halfLinear(Map<String, NDArray> params, String name, Map<String, NDArray> copies,
            NDManager manager) {
        NDArray[] wb = new NDArray[2];
        String[] names = {name + ".weight", name + ".bias"};
        for (int i = 0; i < 2; i++) {
            NDArray src = params.get(names[i]);
            if (src != null) {
                wb[i] = src.toType(DataType.FLOAT16, true);
                wb[i].attach(manager);
                copies.put(names[i], wb[i]);
            }
        }
        return new DenseLinear(wb[0], wb[1]);
    }

    /** The fp16 working copy of the model, which the forward runs on. */
    LlavaModel model() {
        return compute;
    }

    /** The fp16 copy of the region head, or null when the trainer has none. */
    RegionHead regionHead() {
        return computeHead;
    }

    /** The fp16 copy of the mask-prompt head, or null when the trainer has none. */
    MaskPromptHead maskPromptHead() {
        return computeMaskHead;
    }

    /** The fp16 working copies of the trainable tensors, by name. */
    Map<String, NDArray> workingCopies() {
        return Collections.unmodifiableMap(working);
    }

    /** The current dynamic loss scale. */
    double lossScale() {
        return scaler.scale();
    }

    /** Good updates since the last overflow or growth of the scale. */
    int goodSteps() {
        return scaler.goodSteps();
    }

    /** Updates skipped because the fp16 gradients overflowed. */
    int overflowSteps() {
        return overflows;
    }

    /** Restores the loss scale and overflow count saved with a checkpoint. */
    void restore(double scale, int goodSteps, int overflowSteps) {
        scaler.restore(scale, goodSteps);
        overflows = overflowSteps;
    }

    /** The loss to run backward from: {@code loss} times the loss scale, divided by {@code accumulation}. */
    NDArray scaleLoss(NDArray loss, int accumulation) {
        return loss.mul((float) (scaler.scale() / accumulation));
    }

    /** Adds the fp16 gradients of the working copies, as fp32, to the master gradients and zeroes them. */
    void accumulateGradients() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Map.Entry<String, NDArray> e : working.entrySet()) {
                NDArray g = e.getValue().getGradient();
                masterGrads.get(e.getKey()).addi(g.toType(DataType.FLOAT32, false));
                // a fill, not g - g: an overflowed (inf) element would stay NaN
                g.set(new NDIndex("..."), 0);
            }
        }
    }

    /**
     * Divides the accumulated master gradients by the loss scale. On any inf/NaN the update must be skipped: the
     * overflow is counted, the scale backed off and the gradients cleared.
     *
     * @return true when the gradients are finite and {@link #gradients()} may be applied
     */
    boolean unscaleGradients() {
        float inv = (float) (1.0 / scaler.scale());
        boolean overflow = false;
        for (NDArray g : masterGrads.values()) {
            g.muli(inv);
            if (!overflow && !Float.isFinite(g.abs().max().getFloat())) {
                overflow = true;
            }
        }
        if (overflow) {
            overflows++;
            scaler.update(true);
            clearGradients();
        }
        return !overflow;
    }

    /** The fp32 gradients of the trainable masters, by name (unscaled after {@link #unscaleGradients()}). */
    Map<String, NDArray> gradients() {
        return Collections.unmodifiableMap(masterGrads);
    }

    /**
     * Ends an update whose gradients did not overflow: copies the masters into the working copies when the update
     * was {@code applied}, lets the scale grow, and clears the gradients.
     */
    void finishUpdate(boolean applied) {
        if (applied) {
            for (Map.Entry<String, NDArray> e : working.entrySet()) {
                e.getValue().set(new NDIndex("..."), masters.get(e.getKey()));
            }
        }
        scaler.update(false);
        clearGradients();
    }

    private void clearGradients() {
        for (NDArray g : masterGrads.values()) {
            g.set(new NDIndex("..."), 0);
        }
    }

    /** The gradients accumulated since the last update, unscaled, as new fp32 arrays by name. */
    Map<String, NDArray> pendingGradients() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        masterGrads.forEach((k, g) -> out.put(k, g.div((float) scaler.scale())));
        return out;
    }

    /** Copies every master weight into its fp16 working copy (after the masters changed outside an update). */
    void refreshWorkingCopies() {
        for (NDArray[] pair : workingToMaster) {
            pair[0].set(new NDIndex("..."), pair[1]);
        }
    }

    /** Closes the working copy's manager, and with it every fp16 copy and master gradient. */
    @Override
    public void close() {
        compute.close();
    }
}
