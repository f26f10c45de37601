package io.unimllm.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One-call forms of {@link UnimllmTransformer} with its default settings (batch size 8, the model's generation
 * settings, device and dtype chosen automatically).
 *
 * <pre>{@code
 * Dataset<Row> answers = UnimllmSpark.ask(
 *         UnimllmSpark.images(spark, "/data/images").withColumn("instruction", functions.lit("find all circles")),
 *         "/models/shapes-tiny");
 * }</pre>
 */
public final class UnimllmSpark {
    /** The file names {@link #images} reads: the formats the runtime decodes. */
    public static final String IMAGE_GLOB = "*.{png,PNG,jpg,JPG,jpeg,JPEG,gif,GIF,bmp,BMP}";

    private UnimllmSpark() {
    }

    /**
     * Asks about every row: images in the binary column {@code content} (binaryFile's) or a string column of paths
     * of that name, instructions in {@code instruction}.
     *
     * @param rows the rows
     * @param modelDir the model directory (see {@link UnimllmTransformer#setModelDir})
     * @return the rows with the {@code result} and {@code error} columns added
     * @throws io.unimllm.protocol.UnimllmException as {@link UnimllmTransformer#transform}
     */
    public static Dataset<Row> ask(Dataset<?> rows, String modelDir) {
        return new UnimllmTransformer().setModelDir(modelDir).transform(rows);
    }

    /**
     * Asks about every row, naming the image and instruction columns.
     *
     * @param rows the rows
     * @param modelDir the model directory (see {@link UnimllmTransformer#setModelDir})
     * @param imageCol the image column: binary (encoded bytes) or string (paths)
     * @param instructionCol the instruction column
     * @return the rows with the {@code result} and {@code error} columns added
     * @throws io.unimllm.protocol.UnimllmException as {@link UnimllmTransformer#transform}
     */
    public static Dataset<Row> ask(Dataset<?> rows, String modelDir, String imageCol, String instructionCol) {
        return new UnimllmTransformer().setModelDir(modelDir).setImageCol(imageCol)
                .setInstructionCol(instructionCol).transform(rows);
    }

    /**
     * The image files of a folder (not its subfolders) through Spark's {@code binaryFile} source: columns
     * {@code path}, {@code modificationTime}, {@code length} and {@code content}.
     *
     * @param spark the session
     * @param dir the folder (any path Spark reads: local, {@code hdfs://}, {@code s3a://}, ...)
     * @return one row per PNG, JPEG, GIF or BMP file
     */
    public static Dataset<Row> images(SparkSession spark, String dir) {
        return spark.read().format("binaryFile").option("pathGlobFilter", IMAGE_GLOB).load(dir);
    }
}
