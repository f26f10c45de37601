package io.unimllm.spark;

import io.unimllm.geometry.CocoRle;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark types of the columns that {@link UnimllmTransformer} adds: a result struct (answer, finish reason,
 * warnings, tasks, timings) and an error struct, exactly one of them non-null in each row. docs/spark.md prints the
 * whole tree and says what each field holds; every field is nullable, as Parquet reads them back.
 *
 * <ul>
 *   <li>{@link #RESULT}: {@code answer} (the plain text), {@code raw_answer} (as the model wrote it, task and
 *       grounding tokens included), {@code finish_reason} ({@code stop_token}, {@code max_tokens},
 *       {@code context_full}, {@code cancelled}, {@code non_finite}), {@code warnings} (what the parser repaired or
 *       dropped, one sentence each), {@code tasks} (an array of {@link #TASK}) and {@code timings_ms} (wall time per
 *       stage in milliseconds: {@code preprocess}, {@code vision_encode}, {@code prefill}, {@code decode},
 *       {@code parse}, {@code route}, {@code expert:<name>}).</li>
 *   <li>{@link #TASK}: {@code type}, {@code arguments}, {@code status} ({@code ok}, {@code no_expert},
 *       {@code skipped}, {@code failed}, {@code timed_out}), {@code expert} (null when none was chosen),
 *       {@code error} (why the task did not succeed, else null), {@code boxes} (the expert's detections, an array of
 *       {@link #BOX}), {@code masks} (an array of {@link #MASK}), {@code image} (the edited image as PNG bytes, when
 *       the transformer was asked for images; else null) and {@code text} (an expert's textual answer, or null).</li>
 *   <li>{@link #BOX}: {@code x1, y1, x2, y2} in pixels of the original image, {@code label}, {@code score}.</li>
 *   <li>{@link #MASK}: COCO's compressed RLE, {@code size} ({@code [height, width]}) and {@code counts}, as
 *       {@code pycocotools.mask.decode} reads them ({@link CocoRle#toMask()} in Java), plus {@code area} (pixels),
 *       {@code score} and {@code label}.</li>
 *   <li>{@link #ERROR}: {@code type}, the simple name of the error's class ({@code ImageException},
 *       {@code PromptException}, {@code ContextLengthException}, ...), and {@code message}, which names what was
 *       wrong.</li>
 * </ul>
 */
public final class ResultSchema {
    /** A box with its label and score. */
    public static final StructType BOX = struct(
            field("x1", DataTypes.DoubleType), field("y1", DataTypes.DoubleType),
            field("x2", DataTypes.DoubleType), field("y2", DataTypes.DoubleType),
            field("label", DataTypes.StringType), field("score", DataTypes.DoubleType));

    /** A mask in COCO's compressed RLE with its area, score and label. */
    public static final StructType MASK = struct(
            field("size", array(DataTypes.IntegerType)), field("counts", DataTypes.StringType),
            field("area", DataTypes.LongType), field("score", DataTypes.DoubleType),
            field("label", DataTypes.StringType));

    /** One task of an answer with its outcome and the expert's result. */
    public static final StructType TASK = struct(
            field("type", DataTypes.StringType), field("arguments", DataTypes.StringType),
            field("status", DataTypes.StringType), field("expert", DataTypes.StringType),
            field("error", DataTypes.StringType), field("boxes", array(BOX)), field("masks", array(MASK)),
            field("image", DataTypes.BinaryType), field("text", DataTypes.StringType));

    /** The answer to one row. */
    public static final StructType RESULT = struct(
            field("answer", DataTypes.StringType), field("raw_answer", DataTypes.StringType),
            field("finish_reason", DataTypes.StringType), field("warnings", array(DataTypes.StringType)),
            field("tasks", array(TASK)),
            field("timings_ms", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true)));

    /** Why a row has no answer. */
    public static final StructType ERROR = struct(
            field("type", DataTypes.StringType), field("message", DataTypes.StringType));

    private ResultSchema() {
    }

    /**
     * The schema of a transformed dataset: the input's columns, then the result and the error column.
     *
     * @param input the input's schema
     * @param resultCol the result column's name
     * @param errorCol the error column's name
     * @return the output schema
     */
    public static StructType output(StructType input, String resultCol, String errorCol) {
        return input.add(field(resultCol, RESULT)).add(field(errorCol, ERROR));
    }

    private static StructField field(String name, DataType type) {
        return DataTypes.createStructField(name, type, true);
    }

    private static ArrayType array(DataType element) {
        return DataTypes.createArrayType(element, true);
    }

    private static StructType struct(StructField... fields) {
        return DataTypes.createStructType(fields);
    }
}
