package io.unimllm.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.PromptException;
import io.unimllm.core.config.TextConfig;
import io.unimllm.core.model.KvCache;
import io.unimllm.core.model.LlavaModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generates continuations of a batch of prompts with a {@link LlavaModel}: splices image features at the image
 * tokens, left-pads the prompts to one length (masking the padding and shifting rotary positions so every row
 * sees exactly what it would see alone), prefills a pre-allocated KV cache, then decodes one token per step.
 *
 * <p>All per-request native memory lives in {@link NDScope}s and is freed before {@link #generate} returns.
 *
 * <p>Non-finite logits: a row whose logits for the next token have no finite maximum (NaN or +infinity anywhere, or
 * -infinity everywhere: NaN weights, an fp16 overflow) finishes with {@link FinishReason#NON_FINITE} and without a
 * token for that step, keeping the tokens it had; the other rows of the batch go on. Greedy decoding checks this with
 * one extra max over each row on the device, sampling on the row it already copied to the host.
 */
public final class Generator {
    private final LlavaModel model;
    private final TextConfig text;
    private final PromptEmbedder embedder;

    /**
     * A generator over a loaded model; it holds no native memory of its own between calls.
     *
     * @param model the model to generate with
     */
    public Generator(LlavaModel model) {
        this.model = model;
        this.text = model.config().text();
        this.embedder = new PromptEmbedder(model);
    }

    /**
     * Generates for one prompt.
     *
     * @param prompt the prompt
     * @param cfg how to decode
     * @param listener receives each token as it is generated (row 0)
     * @return the prompt's result
     * @throws PromptException when the prompt is empty, has token ids outside the vocabulary, image tokens that do
     *     not match its images, or images of the wrong size or with non-finite pixel values
     * @throws ContextLengthException when the prompt does not fit the context
     */
    public GenerationResult generate(Prompt prompt, GenerationConfig cfg, TokenListener listener) {
        return generate(List.of(prompt), cfg, listener).get(0);
    }

    /**
     * Generates for several prompts as one batch.
     *
     * @param prompts the prompts, of any lengths
     * @param cfg how to decode, the same for every row
     * @param listener receives each token as it is generated, with the index of its prompt
     * @return one result per prompt, in order; empty for no prompts
     * @throws PromptException when a prompt is empty, has token ids outside the vocabulary, image tokens that do
     *     not match its images, or images of the wrong size or with non-finite pixel values
     * @throws ContextLengthException when a prompt does not fit the context
     */
    public List<GenerationResult> generate(List<Prompt> prompts, GenerationConfig cfg, TokenListener listener) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        try (NDScope request = new NDScope()) {
            request.suppressNotUsedWarning();
            return new Run(prompts, cfg, listener).execute();
        }
    }

    /**
     * Logits at every position of one prompt (image features included), without generating: {@code [T, vocab]}
     * row-major as floats. For scoring candidates, evaluation and tests.
     *
     * @param prompt the prompt
     * @return the logits, {@code T * vocab} floats where {@code T} counts the image feature positions
     * @throws PromptException for invalid token ids or images
     * @throws ContextLengthException when the prompt does not fit the context
     */
    public float[] promptLogits(Prompt prompt) {
        try (NDScope request = new NDScope()) {
            request.suppressNotUsedWarning();
            return new Run(List.of(prompt), GenerationConfig.greedy(1), (row, token) -> true).promptLogits();
        }
    }

    /** The state of one generate call. */
    private final class Run {
        private final List<Prompt> prompts;
        private final GenerationConfig cfg;
        private final TokenListener listener;
        private final int batch;
        private final NDManager manager;
        private final Set<Integer> stops = new HashSet<>();
        private final Sampler sampler;

        private int[] promptLengths;
        private int[] pad;
        private int paddedLength;
        private final List<int[]> generated = new ArrayList<>();
        private final int[] counts;
        private final FinishReason[] finish;
        private final List<Map<Integer, float[]>> hidden = new ArrayList<>();
        private long visionNanos;

        Run(List<Prompt> prompts, GenerationConfig cfg, TokenListener listener) {
            this.prompts = prompts;
            this.cfg = cfg;
            this.listener = listener;
            this.batch = prompts.size();
            this.manager = model.manager();
            if (!cfg.ignoreEos()) {
                this.stops.addAll(text.eosTokenIds());
            }
            this.stops.addAll(cfg.stopTokens());
            this.sampler = new Sampler(cfg);
            this.counts = new int[batch];
            this.finish = new FinishReason[batch];
            for (int i = 0; i < batch; i++) {
                // a row never outlives the context, so "unbounded" maxNewTokens must not size this array
                generated.add(new int[Math.min(cfg.maxNewTokens(), text.maxPositionEmbeddings() + 1)]);
                hidden.add(new HashMap<>());
            }
        }

        float[] promptLogits() {
            NDArray embeds = embedPrompts();
            NDArray h = model.decoder().forward(embeds, positions(0, paddedLength), mask(0, paddedLength,
                    paddedLength), null);
            return model.decoder().logits(h).toType(DataType.FLOAT32, false).toFloatArray();
        }

        List<GenerationResult> execute() {
            long t0 = System.nanoTime();
            NDArray prefillEmbeds = embedPrompts();
            int maxPos = text.maxPositionEmbeddings();
            // Each row may use maxPos positions of its own after its left padding (long for maxNewTokens overflow).
            int capacity = (int) Math.min((long) maxPos + maxPad(), (long) paddedLength + cfg.maxNewTokens());
            long t1 = System.nanoTime();
            int steps = 0;
            long t2;
            if (cfg.useCache()) {
                try (KvCache cache = new KvCache(manager, text.numHiddenLayers(), batch, text.numKeyValueHeads(),
                        capacity, model.decoder().headDim(), model.dtype())) {
                    NDArray last;
                    try (NDScope step = new NDScope()) {
                        step.suppressNotUsedWarning();
                        NDArray h = model.decoder().forward(prefillEmbeds, positions(0, paddedLength),
                                mask(0, paddedLength, paddedLength), cache);
                        last = h.get(new NDIndex(":, -1:, :"));
                        NDScope.unregister(last);
                    }
                    boolean more = choose(last, 0);
                    last.close();
                    t2 = System.nanoTime();
                    while (more) {
                        int len = cache.length();
                        try (NDScope step = new NDScope()) {
                            step.suppressNotUsedWarning();
                            NDArray ids = manager.create(lastTokens(), new Shape(batch, 1));
                            NDArray h = model.decoder().forward(model.decoder().embed(ids), positions(len, 1),
                                    mask(len, 1, len + 1), cache);
                            more = choose(h, ++steps);
                        }
                    }
                }
            } else {
                // Recompute the whole sequence every step: slow, but independent of the cache.
                NDArray embeds = prefillEmbeds;
                NDScope.unregister(embeds);
                boolean more = true;
                t2 = 0;
                for (int step = 0; more; step++) {
                    int len = (int) embeds.getShape().get(1);
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDArray h = model.decoder().forward(embeds, positions(0, len), mask(0, len, len), null);
                        more = choose(h.get(new NDIndex(":, -1:, :")), step);
                        if (more) {
                            NDArray ids = manager.create(lastTokens(), new Shape(batch, 1));
                            NDArray next = embeds.concat(model.decoder().embed(ids), 1);
                            NDScope.unregister(next);
                            embeds.close();
                            embeds = next;
                        }
                    }
                    if (step == 0) {
                        t2 = System.nanoTime();
                    } else {
                        steps++;
                    }
                }
                embeds.close();
            }
            long t3 = System.nanoTime();
            GenerationTimings timings = new GenerationTimings(Duration.ofNanos(visionNanos),
                    Duration.ofNanos(t2 - t1 + (t1 - t0 - visionNanos)), Duration.ofNanos(t3 - t2), steps,
                    paddedLength);
            List<GenerationResult> out = new ArrayList<>(batch);
            for (int b = 0; b < batch; b++) {
                int[] tokens = java.util.Arrays.copyOf(generated.get(b), counts[b]);
                out.add(new GenerationResult(tokens, finish[b], promptLengths[b], hidden.get(b), timings));
            }
            return out;
        }

        /**
         * Picks each unfinished row's next token from {@code h} ({@code [B, 1, hidden]} at the last position),
         * records the hidden state for rows whose previous token is kept, and reports whether to continue.
         */
        private boolean choose(NDArray h, int step) {
            recordHidden(h);
            NDArray logits = model.decoder().logits(h.reshape(batch, h.getShape().get(2)));
            int[] next = new int[batch];
            boolean[] nonFinite;
            if (cfg.isGreedy() && cfg.repetitionPenalty() == 1.0) {
                long[] ids = logits.argMax(-1).toLongArray();
                for (int b = 0; b < batch; b++) {
                    next[b] = (int) ids[b];
                }
                nonFinite = NonFiniteLogits.rows(logits);
            } else {
                float[] all = logits.toType(DataType.FLOAT32, false).toFloatArray();
                int v = text.vocabSize();
                nonFinite = new boolean[batch];
                for (int b = 0; b < batch; b++) {
                    nonFinite[b] = finish[b] == null && NonFiniteLogits.row(all, b * v, (b + 1) * v);
                    if (finish[b] == null && !nonFinite[b]) {
                        float[] row = java.util.Arrays.copyOfRange(all, b * v, (b + 1) * v);
                        int[] seen = seenTokens(b);
                        next[b] = sampler.next(row, seen, seen.length);
                    }
                }
            }
            boolean any = false;
            for (int b = 0; b < batch; b++) {
                if (finish[b] != null) {
                    continue;
                }
                if (nonFinite[b]) {
                    finish[b] = FinishReason.NON_FINITE;
                    continue;
                }
                int token = next[b];
                generated.get(b)[counts[b]++] = token;
                boolean keepGoing = listener.onToken(b, token);
                if (stops.contains(token)) {
                    finish[b] = FinishReason.STOP_TOKEN;
                } else if (!keepGoing) {
                    finish[b] = FinishReason.CANCELLED;
                } else if (counts[b] >= cfg.maxNewTokens()) {
                    finish[b] = FinishReason.MAX_TOKENS;
                } else if (promptLengths[b] + step >= text.maxPositionEmbeddings()) {
                    finish[b] = FinishReason.CONTEXT_FULL; // per row: padding for batch-mates costs it nothing
                }
                any |= finish[b] == null;
            }
            return any || needsTrailingHidden(step);
        }

        /** True when some row ended on a kept token whose hidden state needs one more forward pass. */
        private boolean needsTrailingHidden(int step) {
            if (cfg.keepHiddenStatesOf().isEmpty()) {
                return false;
            }
            for (int b = 0; b < batch; b++) {
                int n = counts[b];
                if (promptLengths[b] + step < text.maxPositionEmbeddings() && n > 0
                        && cfg.keepHiddenStatesOf().contains(generated.get(b)[n - 1])
                        && !hidden.get(b).containsKey(n - 1)) {
                    return true;
                }
            }
            return false;
        }

        /** Keeps the hidden state of the position fed at this step when that token is a kept one. */
        private void recordHidden(NDArray h) {
            if (cfg.keepHiddenStatesOf().isEmpty()) {
                return;
            }
            float[] rows = null;
            long width = h.getShape().get(2);
            for (int b = 0; b < batch; b++) {
                int n = counts[b];
                if (n > 0 && cfg.keepHiddenStatesOf().contains(generated.get(b)[n - 1])
                        && !hidden.get(b).containsKey(n - 1)) {
                    if (rows == null) {
                        rows = h.toType(DataType.FLOAT32, false).toFloatArray();
                    }
                    hidden.get(b).put(n - 1, java.util.Arrays.copyOfRange(rows, (int) (b * width),
                            (int) ((b + 1) * width)));
                }
            }
        }

        private int[] seenTokens(int b) {
            int[] ids = prompts.get(b).tokenIds();
            int[] seen = java.util.Arrays.copyOf(ids, ids.length + counts[b]);
            System.arraycopy(generated.get(b), 0, seen, ids.length, counts[b]);
            return seen;
        }

        /** The largest left padding of the batch. */
        private int maxPad() {
            int m = 0;
            for (int p : pad) {
                m = Math.max(m, p);
            }
            return m;
        }

        /**
         * The token each row feeds next: its last generated token (finished rows repeat theirs; one that ended
         * without a token, on non-finite logits, feeds id 0, and its outputs are ignored).
         */
        private long[] lastTokens() {
            long[] ids = new long[batch];
            for (int b = 0; b < batch; b++) {
                ids[b] = counts[b] == 0 ? 0 : generated.get(b)[counts[b] - 1];
            }
            return ids;
        }

        /**
         * Rotary positions {@code [B, T]} for cache positions {@code start..start+T-1}, shifted by each pad. A row
         * that finished at the context's end while batch-mates go on is clamped to the last position (its outputs
         * are ignored).
         */
        private NDArray positions(int start, int t) {
            long[] pos = new long[batch * t];
            int last = text.maxPositionEmbeddings() - 1;
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < t; i++) {
                    pos[b * t + i] = Math.min(last, Math.max(0, start + i - pad[b]));
                }
            }
            return manager.create(pos, new Shape(batch, t));
        }

        /**
         * Additive mask {@code [B, 1, 1, T, S]} for queries at {@code start..start+T-1} over keys {@code 0..S-1}:
         * causal and hiding each row's left padding; {@code null} when nothing needs hiding.
         */
        private NDArray mask(int start, int t, int s) {
            boolean padded = false;
            for (int p : pad) {
                padded |= p > 0;
            }
            if (t == 1 && !padded) {
                return null;
            }
            float min = model.dtype() == DataType.FLOAT16 ? -65504f : -1e30f;
            float[] m = new float[batch * t * s];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < s; j++) {
                        boolean allowed = j <= start + i && j >= pad[b];
                        m[(b * t + i) * s + j] = allowed ? 0f : min;
                    }
                }
            }
            return manager.create(m, new Shape(batch, 1, 1, t, s)).toType(model.dtype(), false);
        }

        /** Builds the left-padded input embeddings {@code [B, L, hidden]} of all prompts. */
        private NDArray embedPrompts() {
            promptLengths = new int[batch];
            List<NDArray> rows = new ArrayList<>(batch);
            for (int b = 0; b < batch; b++) {
                PromptEmbedder.Embedded e = embedder.embed(prompts.get(b), b, manager);
                visionNanos += e.visionNanos();
                rows.add(e.embeddings());
                promptLengths[b] = e.positions();
            }
            paddedLength = 0;
            for (int len : promptLengths) {
                paddedLength = Math.max(paddedLength, len);
            }
            pad = new int[batch];
            long hiddenSize = text.hiddenSize();
            NDList padded = new NDList(batch);
            for (int b = 0; b < batch; b++) {
                pad[b] = paddedLength - promptLengths[b];
                NDArray row = rows.get(b);
                if (pad[b] > 0) {
                    row = manager.zeros(new Shape(pad[b], hiddenSize), model.dtype()).concat(row, 0);
                }
                padded.add(row);
            }
            return NDArrays.stack(padded);
        }
    }
}
