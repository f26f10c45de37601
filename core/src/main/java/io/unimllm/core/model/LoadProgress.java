package io.unimllm.core.model;

/** Told after each weight tensor is loaded, for progress bars on large checkpoints. */
@FunctionalInterface
public interface LoadProgress {
    /** No reporting. */
    LoadProgress NONE = (loaded, total) -> { };

    /**
     * Called after each tensor is loaded, on the loading thread.
     *
     * @param loaded tensors loaded so far
     * @param total tensors in the checkpoint (an upper bound: unused ones, such as CLIP's post-LayerNorm, are skipped)
     */
    void tensorsLoaded(int loaded, int total);
}
