package io.unimllm.examples.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The matrix products a decode step is made of, measured alone: for one weight shape, enough random fp32 matrices
 * to exceed the CPU caches (so that each product streams its weight from memory, as in a decode step), and the ways
 * of multiplying one or eight rows by them that libtorch offers. Prints GB/s of weights per variant.
 */
final class ProductBench {
    private static final long STREAM_BYTES = 600L << 20;

    private ProductBench() {
    }

    /** Measures {@code out x in} matrices; returns JSON lines. */
    static List<String> run(long out, long in, Device device, PrintStream print) {
        List<String> json = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(device)) {
            int n = (int) Math.max(4, STREAM_BYTES / (out * in * 4));
            NDArray[] w = new NDArray[n];
            for (int i = 0; i < n; i++) {
                w[i] = root.randomNormal(new Shape(out, in));
            }
            NDArray x1 = root.randomNormal(new Shape(1, 1, in));
            NDArray v = x1.reshape(in);
            NDArray x8 = root.randomNormal(new Shape(8, 1, in));
            NDArray x8t = x8.reshape(8, in).transpose();
            double bytes = (double) n * out * in * 4;
            print.printf(Locale.ROOT, "%n| product, %d x %d (%d matrices streamed) | GB/s |%n|---|---|%n", out, in, n);
            measure(root, n, bytes, "one row, linear(x[1,1,K], W)", i -> linear(x1, w[i]), print, json);
            measure(root, n, bytes, "one row, W.matMul(x[K]) (mv)", i -> w[i].matMul(v), print, json);
            measure(root, n, bytes, "8 rows, linear(x[8,1,K], W)", i -> linear(x8, w[i]), print, json);
            measure(root, n, bytes, "8 rows, W.matMul(x^T)", i -> w[i].matMul(x8t), print, json);
            NDArray[] rows = new NDArray[8];
            for (int r = 0; r < 8; r++) {
                rows[r] = x8t.get(":, {}", r).duplicate();
            }
            // the same weight eight times in a row: all but the first pass may find it in the CPU's last-level cache
            measure(root, n, bytes, "8 rows, 8 x W.matMul(x_r) (mv per row)", i -> {
                NDArray y = null;
                for (NDArray r : rows) {
                    NDArray p = w[i].matMul(r);
                    if (y != null) {
                        y.close();
                    }
                    y = p;
                }
                return y;
            }, print, json);
        }
        return json;
    }

    private static NDArray linear(NDArray x, NDArray w) {
        return ai.djl.nn.core.Linear.linear(x, w, null).singletonOrThrow();
    }

    private static void measure(NDManager root, int n, double bytes, String name, IntFunction<NDArray> product,
            PrintStream print, List<String> json) {
        double[] ms = new double[9];
        for (int k = -2; k < ms.length; k++) {
            long start = System.nanoTime();
            try (NDManager m = root.newSubManager()) {
                for (int i = 0; i < n; i++) {
                    NDArray y = product.apply(i);
                    y.attach(m);
                    if (i == n - 1) {
                        y.toFloatArray(); // synchronise (GPU)
                    }
                }
            }
            if (k >= 0) {
                ms[k] = (System.nanoTime() - start) / 1e6;
            }
        }
        double gbs = bytes / Stats.of(ms).median() / 1e6;
        print.printf(Locale.ROOT, "| %s | %.1f |%n", name, gbs);
        json.add(String.format(Locale.ROOT, "{\"runtime\":\"unimllm\",\"product\":\"%s\",\"gb_s\":%.2f}", name, gbs));
    }
}
