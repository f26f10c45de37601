package io.unimllm.spark;

import io.unimllm.shapes.world.Phrasings;
import io.unimllm.shapes.world.Sample;
import io.unimllm.shapes.world.WorldGenerator;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The one {@code local[2]} SparkSession of the module's tests (Spark takes seconds to start), made by the first test
 * class that asks and stopped by Spark's own shutdown hook; and the shapes-world rows the tests ask about.
 */
final class SharedSpark {
    static final Path ROOT = Path.of(System.getProperty("unimllm.root", ".."));
    static final Path SHIPPED = ROOT.resolve("models/shapes-tiny");
    /** The input schema of the tests' rows: an id, the PNG bytes and the instruction. */
    static final StructType INPUT = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.IntegerType, false),
            DataTypes.createStructField("content", DataTypes.BinaryType, true),
            DataTypes.createStructField("instruction", DataTypes.StringType, true)));

    private static SparkSession spark;

    private SharedSpark() {
    }

    static synchronized SparkSession session() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2]").appName("unimllm-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    // tiny data: generated code costs more to compile than it saves, and so do adaptive re-plans
                    .config("spark.sql.codegen.wholeStage", "false")
                    .config("spark.sql.adaptive.enabled", "false")
                    .getOrCreate();
        }
        return spark;
    }

    /** One shapes-world sample: its image and instruction. */
    record Ask(BufferedImage image, String instruction) {
    }

    /** {@code n} samples of the held-out phrasings, with the shipped model's image size. */
    static List<Ask> world(int n, long seed) {
        List<Ask> out = new ArrayList<>();
        for (Sample s : new WorldGenerator(48, Phrasings.TEST, seed).next(n)) {
            out.add(new Ask(s.scene().render(), s.instruction()));
        }
        return out;
    }

    /** Rows of {@link #INPUT}, ids from 0, in {@code partitions} partitions. */
    static Dataset<Row> rows(List<Row> rows, int partitions) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session().sparkContext());
        return session().createDataFrame(jsc.parallelize(rows, partitions), INPUT);
    }

    static Row row(int id, byte[] png, String instruction) {
        return RowFactory.create(id, png, instruction);
    }
}
