package io.unimllm.spark;

import io.unimllm.protocol.ConfigException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@link Transformer} that asks a unimllm model about every row of a DataFrame: each row's image (an
 * encoded image in a binary column, such as the {@code content} of Spark's {@code binaryFile} source, or a path in a
 * string column) and instruction become a request, and the answer comes back in typed columns
 * ({@link ResultSchema}): a result struct (answer, finish reason, warnings, tasks with boxes, COCO RLE masks and
 * edited images, timings) and an error struct, one of them null. The input's columns are kept.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("/data/images")
 *         .withColumn("instruction", functions.lit("segment the red circle"));
 * Dataset<Row> answers = new UnimllmTransformer().setModelDir("/models/shapes-tiny").setBatchSize(8)
 *         .transform(images);
 * answers.select("path", "result.answer", "error.message").show();
 * }</pre>
 *
 * <p>Each executor JVM loads the model once, when its first task needs it, and shares it among its tasks; a task
 * keeps {@code batchSize} rows in flight, which the runtime decodes together (continuous batching). Bad rows never
 * fail the job: an image that cannot be read or decoded, a null image or instruction, or a prompt longer than the
 * model's context gives a row whose {@code error} says so, and the other rows go on. The model directory is checked
 * on the driver by {@link #transform} before any task runs ({@code checkModel}, on by default): a missing or corrupt
 * directory fails there with a {@link ConfigException} (or {@link io.unimllm.core.CheckpointException},
 * {@link io.unimllm.tokenizer.TokenizerException}). Generation settings that are set are laid over the model's
 * defaults; those left unset keep them.
 */
public final class UnimllmTransformer extends Transformer {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> modelDir;
    private final Param<String> imageCol;
    private final Param<String> instructionCol;
    private final Param<String> outputCol;
    private final Param<String> errorCol;
    private final IntParam batchSize;
    private final Param<String> device;
    private final Param<String> dtype;
    private final BooleanParam withImages;
    private final BooleanParam checkModel;
    private final IntParam maxNewTokens;
    private final DoubleParam temperature;
    private final IntParam topK;
    private final DoubleParam topP;
    private final DoubleParam repetitionPenalty;
    private final LongParam seed;

    /** A transformer with a new uid and the default settings; {@link #setModelDir} is required. */
    public UnimllmTransformer() {
        this(Identifiable.randomUID("unimllm"));
    }

    /**
     * A transformer with the given uid (Spark's {@code copy} uses this) and the default settings.
     *
     * @param uid the stage's unique id
     */
    public UnimllmTransformer(String uid) {
        this.uid = uid;
        modelDir = new Param<>(this, "modelDir", "the model directory: a local path on the driver and every executor,"
                + " a file: URI, or the name of an archive shipped with --archives");
        imageCol = new Param<>(this, "imageCol", "the image column: binary (encoded image bytes) or string (a path"
                + " that Hadoop's file systems read)");
        instructionCol = new Param<>(this, "instructionCol", "the instruction column (string)");
        outputCol = new Param<>(this, "outputCol", "the result column added (a struct, null for a row with an error)");
        errorCol = new Param<>(this, "errorCol", "the error column added (a struct of type and message, null for an"
                + " answered row)");
        batchSize = new IntParam(this, "batchSize", "the most rows decoded together, and the rows each task keeps"
                + " in flight (>= 1)", ParamValidators.gtEq(1));
        device = new Param<>(this, "device", "where the executors run the model: auto (GPU when DJL sees one), cpu"
                + " or gpu", ParamValidators.inArray(ModelSpec.DEVICES.stream().sorted().toArray(String[]::new)));
        dtype = new Param<>(this, "dtype", "the compute dtype: auto (float16 on a GPU, float32 on the CPU), float32"
                + " or float16", ParamValidators.inArray(ModelSpec.DTYPES.stream().sorted().toArray(String[]::new)));
        withImages = new BooleanParam(this, "withImages", "whether edited images are written as PNG bytes in the"
                + " tasks' image field (else null)");
        checkModel = new BooleanParam(this, "checkModel", "whether transform checks the model directory on the"
                + " driver before any task runs (turn off when only the executors see it)");
        maxNewTokens = new IntParam(this, "maxNewTokens", "the most tokens an answer may have (unset: the model's"
                + " unimllm.json)", ParamValidators.gtEq(1));
        temperature = new DoubleParam(this, "temperature", "the sampling temperature, 0 for greedy (unset: greedy)",
                ParamValidators.gtEq(0));
        topK = new IntParam(this, "topK", "sample from the k most likely tokens, 0 for all", ParamValidators.gtEq(0));
        topP = new DoubleParam(this, "topP", "nucleus sampling probability, in (0, 1]",
                ParamValidators.inRange(0, 1, false, true));
        repetitionPenalty = new DoubleParam(this, "repetitionPenalty", "the repetition penalty, > 0 (1 for none)",
                ParamValidators.gt(0));
        seed = new LongParam(this, "seed", "the sampling seed");
        setDefault(imageCol, "content");
        setDefault(instructionCol, "instruction");
        setDefault(outputCol, "result");
        setDefault(errorCol, "error");
        setDefault(batchSize, 8);
        setDefault(device, "auto");
        setDefault(dtype, "auto");
        setDefault(withImages, false);
        setDefault(checkModel, true);
    }

    @Override
    public String uid() {
        return uid;
    }

    /**
     * The output schema: the input's columns, then the result and error columns.
     *
     * @param schema the input's schema
     * @return the output schema
     * @throws ColumnException when the image column is missing or neither binary nor string, the instruction column
     *     is missing or not a string, or a column to add already exists
     */
    @Override
    public StructType transformSchema(StructType schema) {
        String image = getImageCol();
        DataType imageType = column(schema, image, "image").dataType();
        if (!imageType.equals(DataTypes.BinaryType) && !imageType.equals(DataTypes.StringType)) {
            throw new ColumnException("the image column '" + image + "' is " + imageType.simpleString()
                    + "; it must be binary (encoded image bytes) or string (a path)");
        }
        String instruction = getInstructionCol();
        DataType instructionType = column(schema, instruction, "instruction").dataType();
        if (!instructionType.equals(DataTypes.StringType)) {
            throw new ColumnException("the instruction column '" + instruction + "' is "
                    + instructionType.simpleString() + "; it must be string");
        }
        for (String added : new String[] {getOutputCol(), getErrorCol()}) {
            if (Arrays.asList(schema.fieldNames()).contains(added)) {
                throw new ColumnException("the dataset already has a column '" + added + "', which the transformer"
                        + " would add; choose another name (setOutputCol / setErrorCol) or drop it");
            }
        }
        if (getOutputCol().equals(getErrorCol())) {
            throw new ColumnException("outputCol and errorCol are both '" + getOutputCol() + "'");
        }
        return ResultSchema.output(schema, getOutputCol(), getErrorCol());
    }

    private static StructField column(StructType schema, String name, String role) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new ColumnException("the dataset has no " + role + " column '" + name + "'; its columns are "
                    + Arrays.toString(schema.fieldNames()));
        }
        return schema.apply(name);
    }

    /**
     * Adds the answers: checks the columns and (unless {@code checkModel} is off) the model directory here on the
     * driver, then returns the lazily computed dataset; each partition is answered on an executor.
     *
     * @param dataset the rows to ask about
     * @return the rows with the result and error columns added
     * @throws ConfigException when the model directory is not set, does not exist or holds a malformed configuration
     * @throws io.unimllm.core.CheckpointException when its weights are missing, corrupt or truncated
     * @throws ColumnException as {@link #transformSchema}
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in);
        if (!isDefined(modelDir)) {
            throw new ConfigException("the model directory is not set (setModelDir)", null);
        }
        ModelSpec spec = new ModelSpec(getModelDir(), getBatchSize(), getDevice(), getDtype());
        if (getCheckModel()) {
            ModelCheck.check(spec.resolve());
        }
        GenerationSettings generation = generation();
        generation.toConfig(); // the runtime's own checks, on the driver
        int image = in.fieldIndex(getImageCol());
        boolean paths = in.apply(getImageCol()).dataType().equals(DataTypes.StringType);
        int source = -1;
        if (!paths && Arrays.asList(in.fieldNames()).contains("path")
                && in.apply("path").dataType().equals(DataTypes.StringType)) {
            source = in.fieldIndex("path");
        }
        byte[] hadoop = paths ? AskPartitions.serialize(dataset.sparkSession().sparkContext().hadoopConfiguration())
                : null;
        AskPartitions.Plan plan = new AskPartitions.Plan(spec, image, paths, getImageCol(), source,
                in.fieldIndex(getInstructionCol()), getInstructionCol(), generation, getWithImages(), hadoop);
        JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitions(new AskPartitions(plan));
        return dataset.sparkSession().createDataFrame(rows, out);
    }

    private GenerationSettings generation() {
        return new GenerationSettings(isSet(maxNewTokens) ? getMaxNewTokens() : null,
                isSet(temperature) ? (Double) getOrDefault(temperature) : null,
                isSet(topK) ? (Integer) getOrDefault(topK) : null,
                isSet(topP) ? (Double) getOrDefault(topP) : null,
                isSet(repetitionPenalty) ? (Double) getOrDefault(repetitionPenalty) : null,
                isSet(seed) ? (Long) getOrDefault(seed) : null);
    }

    @Override
    public UnimllmTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /**
     * The model directory.
     *
     * @return the param
     */
    public Param<String> modelDir() {
        return modelDir;
    }

    /**
     * The image column: binary (encoded bytes) or string (a path); default {@code content}, binaryFile's column.
     *
     * @return the param
     */
    public Param<String> imageCol() {
        return imageCol;
    }

    /**
     * The instruction column (string); default {@code instruction}.
     *
     * @return the param
     */
    public Param<String> instructionCol() {
        return instructionCol;
    }

    /**
     * The result column added; default {@code result}.
     *
     * @return the param
     */
    public Param<String> outputCol() {
        return outputCol;
    }

    /**
     * The error column added; default {@code error}.
     *
     * @return the param
     */
    public Param<String> errorCol() {
        return errorCol;
    }

    /**
     * The most rows decoded together and the rows each task keeps in flight; default 8.
     *
     * @return the param
     */
    public IntParam batchSize() {
        return batchSize;
    }

    /**
     * The executors' device: {@code auto}, {@code cpu} or {@code gpu}; default {@code auto}.
     *
     * @return the param
     */
    public Param<String> device() {
        return device;
    }

    /**
     * The compute dtype: {@code auto}, {@code float32} or {@code float16}; default {@code auto}.
     *
     * @return the param
     */
    public Param<String> dtype() {
        return dtype;
    }

    /**
     * Whether edited images are written as PNG bytes; default false.
     *
     * @return the param
     */
    public BooleanParam withImages() {
        return withImages;
    }

    /**
     * Whether {@link #transform} checks the model directory on the driver; default true.
     *
     * @return the param
     */
    public BooleanParam checkModel() {
        return checkModel;
    }

    /**
     * The most tokens an answer may have; unset keeps the model's default.
     *
     * @return the param
     */
    public IntParam maxNewTokens() {
        return maxNewTokens;
    }

    /**
     * The sampling temperature; unset keeps greedy decoding.
     *
     * @return the param
     */
    public DoubleParam temperature() {
        return temperature;
    }

    /**
     * Top-k sampling; unset keeps the default (off).
     *
     * @return the param
     */
    public IntParam topK() {
        return topK;
    }

    /**
     * Nucleus sampling; unset keeps the default (off).
     *
     * @return the param
     */
    public DoubleParam topP() {
        return topP;
    }

    /**
     * The repetition penalty; unset keeps the default (none).
     *
     * @return the param
     */
    public DoubleParam repetitionPenalty() {
        return repetitionPenalty;
    }

    /**
     * The sampling seed; unset keeps the default.
     *
     * @return the param
     */
    public LongParam seed() {
        return seed;
    }

    /**
     * Sets the model directory.
     *
     * @param value a local path on the driver and every executor, a {@code file:} URI, or the name of an archive
     *     shipped with {@code --archives}
     * @return this transformer
     */
    public UnimllmTransformer setModelDir(String value) {
        set(modelDir, value);
        return this;
    }

    /**
     * Sets the image column.
     *
     * @param value the column's name
     * @return this transformer
     */
    public UnimllmTransformer setImageCol(String value) {
        set(imageCol, value);
        return this;
    }

    /**
     * Sets the instruction column.
     *
     * @param value the column's name
     * @return this transformer
     */
    public UnimllmTransformer setInstructionCol(String value) {
        set(instructionCol, value);
        return this;
    }

    /**
     * Sets the result column's name.
     *
     * @param value the name
     * @return this transformer
     */
    public UnimllmTransformer setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    /**
     * Sets the error column's name.
     *
     * @param value the name
     * @return this transformer
     */
    public UnimllmTransformer setErrorCol(String value) {
        set(errorCol, value);
        return this;
    }

    /**
     * Sets the batch size.
     *
     * @param value the most rows decoded together, at least 1
     * @return this transformer
     * @throws IllegalArgumentException when {@code value} is below 1
     */
    public UnimllmTransformer setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    /**
     * Sets the device.
     *
     * @param value {@code auto}, {@code cpu} or {@code gpu}
     * @return this transformer
     * @throws IllegalArgumentException for another value
     */
    public UnimllmTransformer setDevice(String value) {
        set(device, value.toLowerCase(Locale.ROOT));
        return this;
    }

    /**
     * Sets the compute dtype.
     *
     * @param value {@code auto}, {@code float32} or {@code float16}
     * @return this transformer
     * @throws IllegalArgumentException for another value
     */
    public UnimllmTransformer setDtype(String value) {
        set(dtype, value.toLowerCase(Locale.ROOT));
        return this;
    }

    /**
     * Sets whether edited images are written as PNG bytes.
     *
     * @param value true to write them
     * @return this transformer
     */
    public UnimllmTransformer setWithImages(boolean value) {
        set(withImages, value);
        return this;
    }

    /**
     * Sets whether {@link #transform} checks the model directory on the driver.
     *
     * @param value false when only the executors see the directory
     * @return this transformer
     */
    public UnimllmTransformer setCheckModel(boolean value) {
        set(checkModel, value);
        return this;
    }

    /**
     * Sets the most tokens an answer may have.
     *
     * @param value at least 1
     * @return this transformer
     * @throws IllegalArgumentException when {@code value} is below 1
     */
    public UnimllmTransformer setMaxNewTokens(int value) {
        set(maxNewTokens, value);
        return this;
    }

    /**
     * Sets the sampling temperature.
     *
     * @param value at least 0 (0 for greedy)
     * @return this transformer
     * @throws IllegalArgumentException when {@code value} is negative
     */
    public UnimllmTransformer setTemperature(double value) {
        set(temperature, value);
        return this;
    }

    /**
     * Sets top-k sampling.
     *
     * @param value at least 0 (0 for off)
     * @return this transformer
     * @throws IllegalArgumentException when {@code value} is negative
     */
    public UnimllmTransformer setTopK(int value) {
        set(topK, value);
        return this;
    }

    /**
     * Sets nucleus sampling.
     *
     * @param value in (0, 1]
     * @return this transformer
     * @throws IllegalArgumentException when {@code value} is outside (0, 1]
     */
    public UnimllmTransformer setTopP(double value) {
        set(topP, value);
        return this;
    }

    /**
     * Sets the repetition penalty.
     *
     * @param value above 0 (1 for none)
     * @return this transformer
     * @throws IllegalArgumentException when {@code value} is not above 0
     */
    public UnimllmTransformer setRepetitionPenalty(double value) {
        set(repetitionPenalty, value);
        return this;
    }

    /**
     * Sets the sampling seed.
     *
     * @param value the seed
     * @return this transformer
     */
    public UnimllmTransformer setSeed(long value) {
        set(seed, value);
        return this;
    }

    /**
     * The model directory.
     *
     * @return the directory as set
     */
    public String getModelDir() {
        return getOrDefault(modelDir);
    }

    /**
     * The image column.
     *
     * @return its name
     */
    public String getImageCol() {
        return getOrDefault(imageCol);
    }

    /**
     * The instruction column.
     *
     * @return its name
     */
    public String getInstructionCol() {
        return getOrDefault(instructionCol);
    }

    /**
     * The result column.
     *
     * @return its name
     */
    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    /**
     * The error column.
     *
     * @return its name
     */
    public String getErrorCol() {
        return getOrDefault(errorCol);
    }

    /**
     * The batch size.
     *
     * @return the most rows decoded together
     */
    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    /**
     * The device.
     *
     * @return {@code auto}, {@code cpu} or {@code gpu}
     */
    public String getDevice() {
        return getOrDefault(device);
    }

    /**
     * The compute dtype.
     *
     * @return {@code auto}, {@code float32} or {@code float16}
     */
    public String getDtype() {
        return getOrDefault(dtype);
    }

    /**
     * Whether edited images are written as PNG bytes.
     *
     * @return true when they are
     */
    public boolean getWithImages() {
        return (Boolean) getOrDefault(withImages);
    }

    /**
     * Whether {@link #transform} checks the model directory on the driver.
     *
     * @return true when it does
     */
    public boolean getCheckModel() {
        return (Boolean) getOrDefault(checkModel);
    }

    /**
     * The most tokens an answer may have.
     *
     * @return the value set
     * @throws java.util.NoSuchElementException when it is not set (the model's default applies)
     */
    public int getMaxNewTokens() {
        return (Integer) getOrDefault(maxNewTokens);
    }
}
