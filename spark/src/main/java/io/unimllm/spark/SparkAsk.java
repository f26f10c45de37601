package io.unimllm.spark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The example job: a folder of images and an instruction file in, the answers as Parquet out.
 *
 * <pre>
 * spark-submit --class io.unimllm.spark.SparkAsk ... unimllm-spark.jar \
 *     --model /models/shapes-tiny --images /data/images --instructions /data/ask.csv --out /data/answers
 * </pre>
 *
 * <p>The instruction file is CSV with a header ({@code image,instruction}) or JSON Lines
 * ({@code {"image": "a.png", "instruction": "segment the red circle"}}), chosen by its extension ({@code .csv}, or
 * {@code .jsonl} / {@code .json}); {@code image} is the name of a file in the images folder, and one image may have
 * several instructions. An instruction whose image is not in the folder gets an error row. The Parquet files hold
 * {@code image}, {@code instruction}, {@code path} and the {@code result} and {@code error} columns of
 * {@link ResultSchema} (not the image bytes). docs/spark.md shows how to run it locally and on a cluster.
 */
public final class SparkAsk {
    private static final String USAGE = String.join("\n",
            "usage: SparkAsk --model DIR --images DIR --instructions FILE.csv|FILE.jsonl --out DIR [options]",
            "  --master URL           Spark master when not set by spark-submit (default local[*])",
            "  --batch-size N         rows decoded together (default 8)",
            "  --partitions N         repartition the rows before asking (default: as the join leaves them)",
            "  --max-tokens N         most tokens per answer (default: the model's)",
            "  --temperature T        sampling temperature (default 0: greedy)",
            "  --seed S               sampling seed",
            "  --device D             auto, cpu or gpu (default auto)",
            "  --dtype D              auto, float32 or float16 (default auto)",
            "  --with-images          write edited images as PNG bytes",
            "  --no-check-model       do not check the model directory on the driver",
            "  --overwrite            replace the output directory");

    private SparkAsk() {
    }

    /**
     * What the job was asked to do.
     *
     * @param model the model directory
     * @param images the images folder
     * @param instructions the instruction file
     * @param out the output directory
     * @param master the Spark master, or null for spark-submit's (else local[*])
     * @param partitions how many partitions to ask in, or 0 to leave them
     * @param overwrite whether to replace the output directory
     * @param transformer the configured transformer (model, batch, generation settings)
     */
    public record Options(String model, String images, String instructions, String out, String master,
            int partitions, boolean overwrite, UnimllmTransformer transformer) {
        /**
         * Parses the command line.
         *
         * @param args the arguments
         * @return the options
         * @throws IllegalArgumentException for an unknown option, a missing value or a missing required option
         */
        public static Options parse(String... args) {
            String model = null;
            String images = null;
            String instructions = null;
            String out = null;
            String master = null;
            int partitions = 0;
            boolean overwrite = false;
            UnimllmTransformer t = new UnimllmTransformer().setImageCol("content").setInstructionCol("instruction");
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--with-images" -> t.setWithImages(true);
                    case "--no-check-model" -> t.setCheckModel(false);
                    case "--overwrite" -> overwrite = true;
                    default -> {
                        if (i + 1 >= args.length || !a.startsWith("--")) {
                            throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value"
                                    : "unexpected argument '" + a + "'");
                        }
                        String v = args[++i];
                        switch (a) {
                            case "--model" -> model = v;
                            case "--images" -> images = v;
                            case "--instructions" -> instructions = v;
                            case "--out" -> out = v;
                            case "--master" -> master = v;
                            case "--partitions" -> partitions = positive(a, v);
                            case "--batch-size" -> t.setBatchSize(positive(a, v));
                            case "--max-tokens" -> t.setMaxNewTokens(positive(a, v));
                            case "--temperature" -> t.setTemperature(number(a, v));
                            case "--seed" -> t.setSeed((long) number(a, v));
                            case "--device" -> t.setDevice(v);
                            case "--dtype" -> t.setDtype(v);
                            default -> throw new IllegalArgumentException("unknown option " + a);
                        }
                    }
                }
            }
            List<String> missing = new ArrayList<>();
            for (String[] required : new String[][] {{"--model", model}, {"--images", images},
                {"--instructions", instructions}, {"--out", out}}) {
                if (required[1] == null) {
                    missing.add(required[0]);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("missing " + String.join(", ", missing));
            }
            return new Options(model, images, instructions, out, master, partitions, overwrite,
                    t.setModelDir(model));
        }

        private static int positive(String option, String value) {
            double d = number(option, value);
            if (d < 1 || d != Math.rint(d) || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(option + " must be a positive integer, got '" + value + "'");
            }
            return (int) d;
        }

        private static double number(String option, String value) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be a number, got '" + value + "'", e);
            }
        }
    }

    /**
     * What the job wrote.
     *
     * @param rows rows written
     * @param errors rows among them with an error
     * @param seconds the job's wall time
     */
    public record Summary(long rows, long errors, double seconds) {
    }

    /**
     * Runs the job: exit code 0 when it ran (bad rows are in the output's error column), 2 for a usage error, 1 when
     * it failed.
     *
     * @param args the command line ({@code --help} prints the options)
     */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("SparkAsk: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (!Object.class.getModule().isOpen("sun.nio.ch", SparkAsk.class.getModule())) {
            err.println("SparkAsk: Spark needs the JVM options of docs/spark.md on Java 17 (--add-opens=java.base/"
                    + "sun.nio.ch=ALL-UNNAMED, ...); spark-submit adds them itself");
            return 2;
        }
        SparkSession.Builder builder = SparkSession.builder().appName("unimllm SparkAsk");
        if (options.master() != null) {
            builder.master(options.master());
        } else if (!new SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            Summary s = run(spark, options);
            out.printf(Locale.ROOT, "wrote %d rows (%d with an error) to %s in %.1f s%n", s.rows(), s.errors(),
                    options.out(), s.seconds());
            return 0;
        } catch (RuntimeException e) {
            err.println("SparkAsk: " + e.getMessage());
            return 1;
        } finally {
            spark.stop();
        }
    }

    /**
     * Runs the job in a session.
     *
     * @param spark the session
     * @param options what to do
     * @return what was written
     * @throws io.unimllm.protocol.UnimllmException when the model directory or the instruction file is unusable
     */
    public static Summary run(SparkSession spark, Options options) {
        long start = System.nanoTime();
        Dataset<Row> instructions = instructions(spark, options.instructions());
        Dataset<Row> images = UnimllmSpark.images(spark, options.images())
                .withColumn("image", functions.element_at(functions.split(functions.col("path"), "/"), -1));
        Dataset<Row> rows = instructions.join(images, instructions.col("image").equalTo(images.col("image")),
                "left").select(instructions.col("image"), instructions.col("instruction"), images.col("path"),
                images.col("content"));
        if (options.partitions() > 0) {
            rows = rows.repartition(options.partitions());
        }
        Dataset<Row> answers = options.transformer().transform(rows).drop("content");
        answers.write().mode(options.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                .parquet(options.out());
        Row counts = spark.read().parquet(options.out()).agg(functions.count(functions.lit(1)),
                functions.count(functions.col(options.transformer().getErrorCol()))).first();
        return new Summary(counts.getLong(0), counts.getLong(1), (System.nanoTime() - start) / 1e9);
    }

    /** The instruction file's {@code image} and {@code instruction} columns. */
    static Dataset<Row> instructions(SparkSession spark, String file) {
        String lower = file.toLowerCase(Locale.ROOT);
        Dataset<Row> d;
        if (lower.endsWith(".csv")) {
            d = spark.read().option("header", "true").option("mode", "FAILFAST").csv(file);
        } else if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
            d = spark.read().option("mode", "FAILFAST").json(file);
        } else {
            throw new ColumnException("the instruction file " + file + " must end in .csv, .jsonl or .json");
        }
        for (String c : new String[] {"image", "instruction"}) {
            if (!Arrays.asList(d.columns()).contains(c)) {
                throw new ColumnException("the instruction file " + file + " has no '" + c + "' column; its columns"
                        + " are " + Arrays.toString(d.columns()));
            }
        }
        return d.select(functions.col("image").cast("string"), functions.col("instruction").cast("string"));
    }
}
