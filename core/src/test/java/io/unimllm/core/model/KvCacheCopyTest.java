package io.unimllm.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Rows of caches gathered into another cache land where asked, every layer, keys and values. */
class KvCacheCopyTest {

    @Test
    void theSecondRowOfABatchCopiedIntoASingleRowCache() {
        try (NDManager m = NDManager.newBaseManager();
                KvCache src = new KvCache(m, 4, 2, 2, 110, 32, DataType.FLOAT32);
                KvCache dst = new KvCache(m, 4, 1, 2, 109, 32, DataType.FLOAT32)) {
            for (int l = 0; l < 4; l++) {
                src.keyArrays()[l].set(new NDIndex("..."), m.randomNormal(new Shape(110, 2, 2, 32)));
            }
            dst.copyRow(src, 1, 1, 46, 0, 0);
            for (int l = 0; l < 4; l++) {
                assertThat(dst.keyArrays()[l].get(new NDIndex("0:46, 0")).toFloatArray())
                        .containsExactly(src.keyArrays()[l].get(new NDIndex("1:47, 1")).toFloatArray());
            }
        }
    }

    @Test
    void aRowCopiedFromOneCacheToAnotherLandsAtItsNewRowAndPositions() {
        try (NDManager m = NDManager.newBaseManager();
                KvCache src = new KvCache(m, 2, 3, 2, 6, 4, DataType.FLOAT32);
                KvCache dst = new KvCache(m, 2, 4, 2, 9, 4, DataType.FLOAT32)) {
            for (int l = 0; l < 2; l++) {
                NDArray k = m.arange(6 * 3 * 2 * 4).toType(DataType.FLOAT32, false).reshape(6, 3, 2, 4).add(1000 * l);
                src.keyArrays()[l].set(new NDIndex("..."), k);
                src.valueArrays()[l].set(new NDIndex("..."), k.neg());
            }
            dst.copyRow(src, 2, 1, 4, 3, 5);
            for (int l = 0; l < 2; l++) {
                float[] want = src.keyArrays()[l].get(new NDIndex("1:5, 2")).toFloatArray();
                assertThat(dst.keyArrays()[l].get(new NDIndex("5:9, 3")).toFloatArray()).containsExactly(want);
                assertThat(dst.valueArrays()[l].get(new NDIndex("5:9, 3")).neg().toFloatArray()).containsExactly(want);
                assertThat(dst.keyArrays()[l].get(new NDIndex(":, 0:3")).abs().sum().getFloat())
                        .as("other rows untouched").isZero();
                assertThat(dst.keyArrays()[l].get(new NDIndex("0:5, 3")).abs().sum().getFloat()).isZero();
            }
        }
    }
}
