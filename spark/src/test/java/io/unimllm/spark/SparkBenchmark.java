package io.unimllm.spark;

import io.unimllm.AskRequest;
import io.unimllm.Response;
import io.unimllm.UnifiedMllm;
import io.unimllm.core.image.ImagePreprocessor;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Rows per second of the same shapes-world rows through the plain runtime (one row at a time, and a window of
 * {@code batch} rows in flight as a Spark task keeps) and through the transformer on {@code local[1]} and
 * {@code local[2]}, and Spark's per-row overhead (local[1] against the windowed loop, which does the same work in
 * one thread). The four alternate in each of {@code runs} rounds (this machine's speed drifts over minutes), each
 * Spark run in a new session after a warm-up run; figures are medians over the rounds. Not a test: docs/spark.md
 * gives the command and the numbers.
 *
 * <pre>
 * MAVEN_OPTS="$(cat spark/jvm.options)" mvn -o -q -pl spark test-compile exec:java -Dexec.skip=false \
 *     -Dspark.main=io.unimllm.spark.SparkBenchmark -Dexec.args="--rows 200 --batch 8 --runs 3"
 * </pre>
 */
public final class SparkBenchmark {
    private SparkBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code --rows N} (200), {@code --batch N} (8), {@code --runs N} (3), {@code --model DIR}
     *     (models/shapes-tiny)
     */
    public static void main(String[] args) {
        int rows = intArg(args, "--rows", 200);
        int batch = intArg(args, "--batch", 8);
        int runs = intArg(args, "--runs", 3);
        Path root = Path.of(System.getProperty("unimllm.root", "."));
        Path model = Path.of(stringArg(args, "--model", root.resolve("models/shapes-tiny").toString()));
        List<SharedSpark.Ask> asks = SharedSpark.world(rows, 2024);
        List<Row> input = new ArrayList<>();
        List<byte[]> pngs = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            byte[] png = ResultRows.png(asks.get(i).image());
            pngs.add(png);
            input.add(SharedSpark.row(i, png, asks.get(i).instruction()));
        }
        System.out.printf(Locale.ROOT, "%d shapes-world rows, batch %d, %d rounds; %d cores%n", rows, batch, runs,
                Runtime.getRuntime().availableProcessors());
        UnimllmTransformer t = new UnimllmTransformer().setModelDir(model.toString()).setBatchSize(batch);
        double[][] s = new double[4][runs];
        try (UnifiedMllm mllm = UnifiedMllm.builder(model).maxBatchSize(batch).build()) {
            Runnable serial = () -> {
                for (int i = 0; i < rows; i++) {
                    mllm.ask(request(pngs.get(i), asks.get(i).instruction()));
                }
            };
            Runnable windowed = () -> window(mllm, pngs, asks, batch);
            serial.run();
            windowed.run();
            // each round: the two plain loops, then local[1] and local[2] (a new session each, warmed up by one run)
            for (int r = 0; r < runs; r++) {
                s[0][r] = seconds(serial);
                s[1][r] = seconds(windowed);
                for (int cores = 1; cores <= 2; cores++) {
                    s[1 + cores][r] = spark(cores, input, t);
                }
                System.out.printf(Locale.ROOT, "round %d: %.2f / %.2f / %.2f / %.2f s%n", r + 1, s[0][r], s[1][r],
                        s[2][r], s[3][r]);
            }
        }
        report("runtime, one row at a time", rows, s[0]);
        report("runtime, " + batch + " rows in flight (as one Spark task)", rows, s[1]);
        report("Spark local[1], 1 partition", rows, s[2]);
        report("Spark local[2], 2 partitions", rows, s[3]);
        double[] overhead = new double[runs];
        for (int r = 0; r < runs; r++) {
            overhead[r] = (s[2][r] - s[1][r]) * 1000 / rows;
        }
        System.out.printf(Locale.ROOT, "Spark's overhead per row (local[1] - runtime with %d in flight, same round): "
                + "median %.2f ms, rounds %s%n", batch, median(overhead), Arrays.toString(overhead));
        ExecutorModels.closeAll();
    }

    /** One timed run of the transformer in a new {@code local[cores]} session, after one warm-up run there. */
    private static double spark(int cores, List<Row> input, UnimllmTransformer t) {
        SparkSession session = SparkSession.builder().master("local[" + cores + "]").appName("unimllm-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
            Dataset<Row> df = session.createDataFrame(jsc.parallelize(input, cores), SharedSpark.INPUT).cache();
            df.count();
            Runnable run = () -> t.transform(df).write().format("noop").mode("overwrite").save();
            run.run();
            return seconds(run);
        } finally {
            session.stop();
        }
    }

    private static AskRequest request(byte[] png, String instruction) {
        return AskRequest.of(ImagePreprocessor.decode(png, "bench"), instruction);
    }

    /** What one Spark task does, without Spark: decode and submit, up to {@code batch} rows in flight, in order. */
    private static void window(UnifiedMllm mllm, List<byte[]> pngs, List<SharedSpark.Ask> asks, int batch) {
        ArrayDeque<CompletableFuture<Response>> inFlight = new ArrayDeque<>();
        for (int i = 0; i < pngs.size(); i++) {
            if (inFlight.size() == batch) {
                inFlight.poll().join();
            }
            inFlight.add(mllm.submit(request(pngs.get(i), asks.get(i).instruction())));
        }
        inFlight.forEach(CompletableFuture::join);
    }

    private static double seconds(Runnable run) {
        long t = System.nanoTime();
        run.run();
        return (System.nanoTime() - t) / 1e9;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void report(String what, int rows, double[] seconds) {
        double m = median(seconds);
        System.out.printf(Locale.ROOT, "%-52s %7.1f rows/s  (median %.2f s)%n", what, rows / m, m);
    }

    private static int intArg(String[] args, String name, int dflt) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(dflt)));
    }

    private static String stringArg(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }
}
