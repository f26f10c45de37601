package io.unimllm.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (decoupled weight decay, bias-corrected moments) over named parameters, updating them in place. The moment
 * arrays live in the optimizer's own manager; {@link #state()} exposes them for checkpointing.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private int steps;

    /**
     * Standard hyper-parameters (0.9, 0.999, 1e-8) with the given decoupled weight decay.
     *
     * @param parent the manager under which the optimizer's own manager for the moments is made
     * @param weightDecay the decoupled weight decay
     */
    public AdamW(NDManager parent, double weightDecay) {
        this(parent, 0.9, 0.999, 1e-8, weightDecay);
    }

    /**
     * Explicit hyper-parameters.
     *
     * @param parent the manager under which the optimizer's own manager for the moments is made
     * @param beta1 decay of the first moment
     * @param beta2 decay of the second moment
     * @param eps added to the root of the second moment
     * @param weightDecay the decoupled weight decay
     */
    public AdamW(NDManager parent, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
    }

    /**
     * One update of every parameter that has a gradient. Weight decay is skipped for 1-D tensors (norms, biases),
     * as is customary.
     *
     * @param parameters the parameters by name, updated in place from their autograd gradients
     * @param lr the learning rate
     */
    public void step(Map<String, NDArray> parameters, double lr) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        parameters.forEach((k, p) -> grads.put(k, p.getGradient()));
        step(parameters, grads, lr);
    }

    /**
     * As {@link #step(Map, double)} with the gradients given by name (mixed precision keeps the fp32 gradients of the
     * master weights apart from the arrays autograd fills).
     *
     * @param parameters the parameters by name, updated in place
     * @param gradients a gradient for every parameter, by the same names
     * @param lr the learning rate
     */
    public void step(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double lr) {
        steps++;
        double c1 = 1 - Math.pow(beta1, steps);
        double c2 = 1 - Math.pow(beta2, steps);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray p = e.getValue();
                NDArray g = gradients.get(e.getKey());
                NDArray mt = m.computeIfAbsent(e.getKey(), k -> keep(p.zerosLike()));
                NDArray vt = v.computeIfAbsent(e.getKey(), k -> keep(p.zerosLike()));
                mt.muli(beta1).addi(g.mul(1 - beta1));
                vt.muli(beta2).addi(g.square().mul(1 - beta2));
                NDArray update = mt.div(c1).div(vt.div(c2).sqrt().add(eps));
                if (weightDecay > 0 && p.getShape().dimension() > 1) {
                    update = update.add(p.mul(weightDecay));
                }
                p.subi(update.mul(lr));
            }
        }
    }

    private NDArray keep(NDArray a) {
        NDScope.unregister(a);
        a.attach(manager);
        return a;
    }

    /**
     * Number of updates made.
     *
     * @return the count, including restored ones
     */
    public int steps() {
        return steps;
    }

    /**
     * The moment arrays, for checkpoints.
     *
     * @return the live arrays by {@code "m." + name} and {@code "v." + name}
     */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        m.forEach((k, a) -> s.put("m." + k, a));
        v.forEach((k, a) -> s.put("v." + k, a));
        return s;
    }

    /**
     * Restores moments and the step count saved with {@link #state()}.
     *
     * @param state saved moment values by {@code "m." + name} and {@code "v." + name}
     * @param parameters the parameters whose moments to restore (names and shapes); others are left out
     * @param stepCount the saved number of updates
     */
    public void restore(Map<String, float[]> state, Map<String, NDArray> parameters, int stepCount) {
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            float[] mm = state.get("m." + e.getKey());
            float[] vv = state.get("v." + e.getKey());
            if (mm != null && vv != null) {
                m.put(e.getKey(), manager.create(mm, e.getValue().getShape()));
                v.put(e.getKey(), manager.create(vv, e.getValue().getShape()));
            }
        }
        this.steps = stepCount;
    }

    /** Frees the moment arrays. */
    @Override
    public void close() {
        manager.close();
    }
}
