package io.unimllm.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.config.TextConfig;
import io.unimllm.core.model.KvCache;
import io.unimllm.core.model.LlavaModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Continuous batching: prompts join a running batch between decode steps and leave it when they finish, each with
 * its own settings (temperature, top-p, seed, max tokens, stop tokens, hidden states to keep).
 *
 * <p>{@link #admit} prefills a prompt on its own (exactly as {@link Generator} prefills a single prompt) and picks its
 * first token; the row joins the batch at the next {@link #step()}. Each step first re-forms the batch when rows
 * joined or left: the rows' keys and values are gathered into one cache, right-aligned on a shared write position
 * (a row's earlier positions are masked, as the {@link Generator} masks left padding), so that a finished row's slot
 * is reused at once; then it runs one decode step of every row (one token per row) through the model's decoder (the
 * scripted step where the plan has it) and picks each row's next token with the row's own sampler. A row alone in
 * the batch runs exactly as a single prompt does in the {@link Generator}.
 *
 * <p>Not thread-safe: one thread drives it (the runtime's generation thread). Native memory: the batch cache is
 * owned by this object and freed when the batch is re-formed or on {@link #close()}; every step's arrays are freed
 * with the step.
 */
public final class ContinuousBatcher implements AutoCloseable {
    private final LlavaModel model;
    private final TextConfig text;
    private final PromptEmbedder embedder;
    private final int maxRows;
    /** Rows in the batch cache, in cache order. */
    private final List<Row> batch = new ArrayList<>();
    /** Rows admitted since the last step, each with its own prefill cache. */
    private final List<Row> joining = new ArrayList<>();
    private KvCache cache;
    /** Rows left the batch since it was last formed: the next step re-forms it without them. */
    private boolean batchShapeChanged;
    private int admitted;

    /**
     * A batcher over a loaded model.
     *
     * @param model the model; the caller keeps it open while the batcher is used
     * @param maxRows the most rows decoded together
     * @throws IllegalArgumentException when {@code maxRows < 1}
     */
    public ContinuousBatcher(LlavaModel model, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        this.model = model;
        this.text = model.config().text();
        this.embedder = new PromptEmbedder(model);
        this.maxRows = maxRows;
    }

    /**
     * The rows that are generating (joined or waiting to join at the next step).
     *
     * @return how many rows are not finished
     */
    public int activeRows() {
        return batch.size() + joining.size();
    }

    /**
     * How many more prompts may be admitted now.
     *
     * @return {@code maxRows} minus the active rows
     */
    public int room() {
        return maxRows - activeRows();
    }

    /**
     * Whether another prompt may be admitted now.
     *
     * @return true while fewer than {@code maxRows} rows are active
     */
    public boolean hasRoom() {
        return activeRows() < maxRows;
    }

    /**
     * Checks and prefills a prompt and picks its first token; the row decodes from the next {@link #step()} on. The
     * listener hears the first token before this returns (with row index 0).
     *
     * @param prompt the prompt
     * @param cfg the row's settings; {@code useCache} must be on
     * @param listener receives the row's tokens on the calling thread; returning false cancels the row
     * @return the row's handle; it may already be {@link Row#done() done} (a stop token, one token allowed)
     * @throws io.unimllm.core.PromptException for a malformed prompt (nothing is admitted)
     * @throws ContextLengthException when the prompt does not fit the context
     * @throws IllegalStateException when the batch is full or {@code cfg.useCache()} is off
     */
    public Row admit(Prompt prompt, GenerationConfig cfg, TokenListener listener) {
        if (!hasRoom()) {
            throw new IllegalStateException("the batch is full (" + maxRows + " rows)");
        }
        if (!cfg.useCache()) {
            throw new IllegalStateException("continuous batching decodes with the KV cache; run a request with "
                    + "useCache(false) through the Generator");
        }
        Row row = new Row(prompt, cfg, listener, admitted++);
        long t0 = System.nanoTime();
        KvCache own = null;
        try {
            NDManager m = model.manager();
            // the cache outlives the prefill's scope (it joins the batch at the next step), so it is made outside
            // it, sized by the positions the prompt will take
            int p = embedder.positions(prompt, 0);
            own = new KvCache(m, text.numHiddenLayers(), 1, text.numKeyValueHeads(), p, model.decoder().headDim(),
                    model.dtype());
            prefill(row, own);
        } catch (RuntimeException | Error ex) {
            if (own != null) {
                own.close();
            }
            throw ex;
        }
        row.prefillCache = own;
        row.firstTokenNanos = System.nanoTime();
        row.prefillNanos = row.firstTokenNanos - t0 - row.visionNanos;
        if (row.done()) {
            row.release();
        } else {
            joining.add(row);
        }
        return row;
    }

    /** The row's prompt through the decoder into its own cache, and its first token. */
    private void prefill(Row row, KvCache own) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDManager m = model.manager();
            PromptEmbedder.Embedded e = embedder.embed(row.prompt, 0, m);
            row.visionNanos = e.visionNanos();
            int p = e.positions();
            row.promptPositions = p;
            NDArray h = model.decoder().forward(e.embeddings().reshape(1, p, text.hiddenSize()), positions(p),
                    causalMask(p), own);
            row.length = p;
            NDArray last = h.get(new NDIndex(":, -1:, :")).reshape(1, text.hiddenSize());
            row.choose(new StepLogits(logits(last)), 0, last);
        }
    }

    /**
     * Re-forms the batch if rows joined or left, then decodes one token of every active row.
     *
     * @return whether rows are still active afterwards
     */
    public boolean step() {
        dropFinished();
        if (batch.isEmpty() && joining.isEmpty()) {
            return false;
        }
        if (!joining.isEmpty() || cache == null || cache.capacity() - cache.length() < 1
                || cache.length() > longest() || batchShapeChanged) {
            reform();
        }
        int b = batch.size();
        int len = cache.length();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDManager m = model.manager();
            long[] ids = new long[b];
            long[] pos = new long[b];
            boolean padded = false;
            for (int i = 0; i < b; i++) {
                Row r = batch.get(i);
                ids[i] = r.generated[r.count - 1];
                pos[i] = Math.min(text.maxPositionEmbeddings() - 1, r.length);
                padded |= r.length < len;
            }
            NDArray mask = null;
            if (padded) {
                float min = model.dtype() == DataType.FLOAT16 ? -65504f : -1e30f;
                float[] mv = new float[b * (len + 1)];
                for (int i = 0; i < b; i++) {
                    int start = len - batch.get(i).length;
                    for (int j = 0; j < start; j++) {
                        mv[i * (len + 1) + j] = min;
                    }
                }
                mask = m.create(mv, new Shape(b, 1, 1, 1, len + 1)).toType(model.dtype(), false);
            }
            NDArray h = model.decoder().forward(model.decoder().embed(m.create(ids, new Shape(b, 1))),
                    m.create(pos, new Shape(b, 1)), mask, cache);
            NDArray rows = h.reshape(b, text.hiddenSize());
            StepLogits logits = new StepLogits(logits(rows));
            for (int i = 0; i < b; i++) {
                Row r = batch.get(i);
                r.length++;
                r.steps++;
                if (r.draining) {
                    r.recordHidden(rows, i);
                    r.draining = false;
                    r.finishNanos = System.nanoTime();
                    continue;
                }
                r.choose(logits, i, rows);
            }
        }
        dropFinished();
        return activeRows() > 0;
    }

    /** Releases rows that finished (their slot is reused when the batch is re-formed). */
    private void dropFinished() {
        boolean changed = false;
        for (int i = batch.size() - 1; i >= 0; i--) {
            Row r = batch.get(i);
            if (r.cancelRequested && !r.done()) {
                r.finish = FinishReason.CANCELLED;
                r.finishNanos = System.nanoTime();
            }
            if (r.done() && !r.draining) {
                batch.remove(i);
                r.release();
                changed = true;
            }
        }
        for (int i = joining.size() - 1; i >= 0; i--) {
            Row r = joining.get(i);
            if (r.cancelRequested && !r.done()) {
                r.finish = FinishReason.CANCELLED;
                r.finishNanos = System.nanoTime();
            }
            if (r.done() && !r.draining) {
                joining.remove(i);
                r.release();
            }
        }
        batchShapeChanged |= changed;
        if (batch.isEmpty() && joining.isEmpty() && cache != null) {
            cache.close();
            cache = null;
        }
    }

    private int longest() {
        int l = 0;
        for (Row r : batch) {
            l = Math.max(l, r.length);
        }
        return l;
    }

    /**
     * Gathers the rows still generating and the rows that joined into a new cache: each row right-aligned on the
     * write position, which is the longest row's length, with room for every row's remaining tokens.
     */
    private void reform() {
        List<Row> rows = new ArrayList<>(batch);
        rows.addAll(joining);
        int filled = 0;
        int room = 1;
        for (Row r : rows) {
            filled = Math.max(filled, r.length);
            int remaining = Math.min(r.cfg.maxNewTokens() - r.count + 1, text.maxPositionEmbeddings() - r.length);
            room = Math.max(room, remaining + 1);
        }
        KvCache next = new KvCache(model.manager(), text.numHiddenLayers(), rows.size(), text.numKeyValueHeads(),
                filled + room, model.decoder().headDim(), model.dtype());
        try {
            for (int i = 0; i < batch.size(); i++) {
                Row r = batch.get(i);
                // r.slot: the row's place in the old cache (rows that left were removed from the list before)
                next.copyRow(cache, r.slot, cache.length() - r.length, r.length, i, filled - r.length);
            }
            for (int j = 0; j < joining.size(); j++) {
                Row r = joining.get(j);
                next.copyRow(r.prefillCache, 0, 0, r.length, batch.size() + j, filled - r.length);
            }
        } catch (RuntimeException | Error e) {
            next.close();
            throw e;
        }
        next.fillTo(filled);
        if (cache != null) {
            cache.close();
        }
        cache = next;
        for (Row r : joining) {
            r.prefillCache.close();
            r.prefillCache = null;
        }
        batch.clear();
        batch.addAll(rows);
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).slot = i;
        }
        joining.clear();
        batchShapeChanged = false;
    }

    private NDArray logits(NDArray hidden) {
        return model.decoder().logits(hidden);
    }

    /**
     * One step's logits {@code [B, vocab]}, with the batch-wide reductions every greedy row and the non-finite check
     * share made once per step.
     */
    private static final class StepLogits {
        final NDArray logits;
        private long[] argmax;
        private boolean[] nonFinite;

        StepLogits(NDArray logits) {
            this.logits = logits;
        }

        long argmax(int row) {
            if (argmax == null) {
                argmax = logits.argMax(-1).toLongArray();
            }
            return argmax[row];
        }

        boolean nonFinite(int row) {
            if (nonFinite == null) {
                nonFinite = NonFiniteLogits.rows(logits);
            }
            return nonFinite[row];
        }
    }

    private NDArray positions(int p) {
        long[] pos = new long[p];
        for (int i = 0; i < p; i++) {
            pos[i] = i;
        }
        return model.manager().create(pos, new Shape(1, p));
    }

    private NDArray causalMask(int p) {
        if (p == 1) {
            return null;
        }
        float min = model.dtype() == DataType.FLOAT16 ? -65504f : -1e30f;
        float[] m = new float[p * p];
        for (int i = 0; i < p; i++) {
            for (int j = i + 1; j < p; j++) {
                m[i * p + j] = min;
            }
        }
        return model.manager().create(m, new Shape(1, 1, 1, p, p)).toType(model.dtype(), false);
    }

    /** Frees the batch cache and the prefill caches of rows that had not joined yet. */
    @Override
    public void close() {
        for (Row r : joining) {
            r.release();
        }
        joining.clear();
        batch.clear();
        if (cache != null) {
            cache.close();
            cache = null;
        }
    }

    /** One prompt's generation in the batch: its state while it runs and its result once done. */
    public final class Row {
        private final Prompt prompt;
        private final GenerationConfig cfg;
        private final TokenListener listener;
        private final Set<Integer> stops = new HashSet<>();
        private final Sampler sampler;
        private final int[] generated;
        private final Map<Integer, float[]> hidden = new HashMap<>();
        private final int id;
        private int count;
        private int promptPositions;
        /** Positions of this row in the cache: prompt plus tokens fed so far. */
        private int length;
        private int steps;
        /** The row's index in the batch cache since the batch was last formed. */
        private int slot;
        private FinishReason finish;
        /** Finished on a kept token whose hidden state needs one more step. */
        private boolean draining;
        private volatile boolean cancelRequested;
        private KvCache prefillCache;
        private long visionNanos;
        private long prefillNanos;
        private long firstTokenNanos;
        private long finishNanos;

        private Row(Prompt prompt, GenerationConfig cfg, TokenListener listener, int id) {
            this.prompt = prompt;
            this.cfg = cfg;
            this.listener = listener;
            this.id = id;
            if (!cfg.ignoreEos()) {
                stops.addAll(text.eosTokenIds());
            }
            stops.addAll(cfg.stopTokens());
            this.sampler = new Sampler(cfg);
            this.generated = new int[Math.min(cfg.maxNewTokens(), text.maxPositionEmbeddings() + 1)];
        }

        /**
         * Asks the row to stop; it finishes with {@link FinishReason#CANCELLED} at the next step (or at once if it has
         * not joined yet). Safe from any thread.
         */
        public void cancel() {
            cancelRequested = true;
        }

        /**
         * Whether the row has finished.
         *
         * @return true once it has a finish reason and needs no further step
         */
        public boolean done() {
            return finish != null && !draining;
        }

        /**
         * The row's result.
         *
         * @return the generated tokens, finish reason, kept hidden states and timings
         * @throws IllegalStateException before the row is {@link #done()}
         */
        public GenerationResult result() {
            if (!done()) {
                throw new IllegalStateException("row " + id + " is still generating");
            }
            long end = finishNanos == 0 ? firstTokenNanos : finishNanos;
            GenerationTimings timings = new GenerationTimings(Duration.ofNanos(visionNanos),
                    Duration.ofNanos(prefillNanos), Duration.ofNanos(Math.max(0, end - firstTokenNanos)), steps,
                    promptPositions);
            return new GenerationResult(Arrays.copyOf(generated, count), finish, promptPositions, hidden, timings);
        }

        /**
         * Picks this row's next token from row {@code i} of {@code logits}; {@code hiddenRows} holds the hidden state
         * of the position fed. Logits without a finite maximum (NaN weights, an fp16 overflow) finish the row with
         * {@link FinishReason#NON_FINITE} and no token, as in the {@link Generator}.
         */
        private void choose(StepLogits logits, int i, NDArray hiddenRows) {
            recordHidden(hiddenRows, i);
            int token;
            if (cfg.isGreedy() && cfg.repetitionPenalty() == 1.0) {
                if (logits.nonFinite(i)) {
                    nonFinite();
                    return;
                }
                token = (int) logits.argmax(i);
            } else {
                float[] row = logits.logits.get(i).toType(DataType.FLOAT32, false).toFloatArray();
                if (NonFiniteLogits.row(row, 0, row.length)) {
                    nonFinite();
                    return;
                }
                int[] seen = seen();
                token = sampler.next(row, seen, seen.length);
            }
            generated[count++] = token;
            boolean keepGoing = listener.onToken(0, token) && !cancelRequested;
            if (stops.contains(token)) {
                finish = FinishReason.STOP_TOKEN;
            } else if (!keepGoing) {
                finish = FinishReason.CANCELLED;
            } else if (count >= cfg.maxNewTokens()) {
                finish = FinishReason.MAX_TOKENS;
            } else if (length >= text.maxPositionEmbeddings()) {
                finish = FinishReason.CONTEXT_FULL;
            }
            if (finish != null) {
                finishNanos = System.nanoTime();
                // the Generator feeds a kept last token once more to keep its hidden state; so does the batch
                draining = finish != FinishReason.CANCELLED && needsTrailingHidden();
            }
        }

        private void nonFinite() {
            finish = FinishReason.NON_FINITE;
            finishNanos = System.nanoTime();
        }

        private boolean needsTrailingHidden() {
            return !cfg.keepHiddenStatesOf().isEmpty() && length < text.maxPositionEmbeddings()
                    && cfg.keepHiddenStatesOf().contains(generated[count - 1]) && !hidden.containsKey(count - 1);
        }

        /** Keeps the hidden state of the position fed at this step when that token is a kept one. */
        private void recordHidden(NDArray hiddenRows, int i) {
            if (count == 0 || cfg.keepHiddenStatesOf().isEmpty() || hidden.containsKey(count - 1)
                    || !cfg.keepHiddenStatesOf().contains(generated[count - 1])) {
                return;
            }
            hidden.put(count - 1, hiddenRows.get(i).toType(DataType.FLOAT32, false).toFloatArray());
        }

        private int[] seen() {
            int[] ids = prompt.tokenIds();
            int[] seen = Arrays.copyOf(ids, ids.length + count);
            System.arraycopy(generated, 0, seen, ids.length, count);
            return seen;
        }

        private void release() {
            if (prefillCache != null) {
                prefillCache.close();
                prefillCache = null;
            }
        }
    }
}
