package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValue;

/**
 * A pre-allocated key/value cache: per layer {@code [capacity, batch, kvHeads, headDim]} for keys and values,
 * filled along time. Time-major so that writing and reading a span of positions is one slice of the first axis. All
 * rows share one write position; rows that started later are padded on the left and their padding is masked by the
 * caller.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;
    private int length;
    /** Keys and values as TorchScript lists for {@link ScriptedDecodeStep}, made on first use. */
    private IValue[] scripted;

    /**
     * Allocates the cache on {@code parent}'s device, zero-filled; it owns its arrays (in a sub-manager of
     * {@code parent}) and frees them on {@link #close()}.
     *
     * @param parent the manager whose device the cache lives on
     * @param layers decoder layers
     * @param batch rows
     * @param kvHeads key/value heads per layer
     * @param capacity positions the cache can hold
     * @param headDim per-head width
     * @param dtype the model's compute dtype
     */
    public KvCache(NDManager parent, int layers, int batch, int kvHeads, int capacity, int headDim, DataType dtype) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.capacity = capacity;
        Shape shape = new Shape(capacity, batch, kvHeads, headDim);
        for (int i = 0; i < layers; i++) {
            keys[i] = manager.zeros(shape, dtype);
            values[i] = manager.zeros(shape, dtype);
        }
    }

    /**
     * Positions filled so far.
     *
     * @return the write position, the same for every row
     */
    public int length() {
        return length;
    }

    /**
     * Positions the cache can hold.
     *
     * @return the capacity given at allocation
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Writes {@code k, v} ({@code [T, B, kvHeads, D]}) of one layer at the current position and returns views of
     * all keys and values so far ({@code [length + T, B, kvHeads, D]}). The position advances with
     * {@link #advance(int)} once every layer has written.
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        int t = (int) k.getShape().get(0);
        if (length + t > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + t + " > " + capacity);
        }
        // only the time axis is indexed: every indexed axis costs a slice op per call
        NDIndex slot = new NDIndex("{}:{}", length, length + t);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex filled = new NDIndex(":{}", length + t);
        return new NDArray[] {keys[layer].get(filled), values[layer].get(filled)};
    }

    /**
     * Copies {@code length} positions of one row of another cache into one row of this one, every layer, keys and
     * values: positions {@code [srcFrom, srcFrom + length)} of row {@code srcRow} of {@code src} go to positions
     * {@code [dstFrom, dstFrom + length)} of row {@code dstRow}. Used to gather rows of several caches into one batch
     * (continuous batching); the write position is not moved ({@link #fillTo(int)}).
     *
     * @param src the cache to read; same layers, heads and head size
     * @param srcRow the row of {@code src}
     * @param srcFrom the first position of {@code src} to copy
     * @param length how many positions
     * @param dstRow the row of this cache
     * @param dstFrom where the first position goes
     * @throws IllegalArgumentException when a range lies outside either cache or the layouts differ
     */
    public void copyRow(KvCache src, int srcRow, int srcFrom, int length, int dstRow, int dstFrom) {
        if (src.keys.length != keys.length || srcFrom < 0 || dstFrom < 0 || length < 0
                || srcFrom + length > src.capacity || dstFrom + length > capacity) {
            throw new IllegalArgumentException("cannot copy positions " + srcFrom + "+" + length + " of a "
                    + src.keys.length + "-layer cache of capacity " + src.capacity + " to " + dstFrom + " of a "
                    + keys.length + "-layer cache of capacity " + capacity);
        }
        if (length == 0) {
            return;
        }
        NDIndex from = new NDIndex("{}:{}, {}", srcFrom, srcFrom + length, srcRow);
        NDIndex to = new NDIndex("{}:{}, {}", dstFrom, dstFrom + length, dstRow);
        for (int l = 0; l < keys.length; l++) {
            keys[l].set(to, src.keys[l].get(from));
            values[l].set(to, src.values[l].get(from));
        }
    }

    /**
     * Sets the write position after rows were copied in ({@link #copyRow}): positions before it count as filled.
     *
     * @param filled the new write position, at most the capacity
     * @throws IllegalArgumentException when {@code filled} is negative or above the capacity
     */
    public void fillTo(int filled) {
        if (filled < 0 || filled > capacity) {
            throw new IllegalArgumentException("write position " + filled + " outside 0.." + capacity);
        }
        this.length = filled;
    }

    /** Moves the write position on by {@code t} after a forward pass of {@code t} positions. */
    void advance(int t) {
        length += t;
    }

    /** The per-layer key arrays {@code [capacity, batch, kvHeads, headDim]}. */
    NDArray[] keyArrays() {
        return keys.clone();
    }

    /** The per-layer value arrays {@code [capacity, batch, kvHeads, headDim]}. */
    NDArray[] valueArrays() {
        return values.clone();
    }

    /** The per-layer key and value arrays as two TorchScript lists (PyTorch engine only), owned by this cache. */
    IValue[] scriptedLists() {
        if (scripted == null) {
            PtNDArray[] k = new PtNDArray[keys.length];
            PtNDArray[] v = new PtNDArray[values.length];
            for (int i = 0; i < k.length; i++) {
                k[i] = (PtNDArray) keys[i];
                v[i] = (PtNDArray) values[i];
            }
            scripted = new IValue[] {IValue.listFrom(k), IValue.listFrom(v)};
        }
        return scripted;
    }

    @Override
    public void close() {
        if (scripted != null) {
            // the lists hold references to the cache's tensors: release them with the arrays
            scripted[0].close();
            scripted[1].close();
            scripted = null;
        }
        manager.close();
    }
}
