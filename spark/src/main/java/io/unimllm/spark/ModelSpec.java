package io.unimllm.spark;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.unimllm.UnifiedMllm;
import io.unimllm.core.model.LoadOptions;
import io.unimllm.protocol.ConfigException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.SparkFiles;

/**
 * Which model an executor loads and how: the directory as the job gave it, the runtime's batch size, device and
 * dtype. Travels with the tasks; {@link ExecutorModels} keeps one runtime per distinct spec in each JVM.
 *
 * @param dir the model directory as given: a local path (absolute, or relative to the working directory, or the
 *     name of an archive or file shipped with {@code --archives} / {@code --files}, found through
 *     {@link SparkFiles}), or a {@code file:} URI
 * @param maxBatchSize the most rows decoded together
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param dtype {@code auto}, {@code float32} or {@code float16}
 */
record ModelSpec(String dir, int maxBatchSize, String device, String dtype) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The devices a spec may name. */
    static final Set<String> DEVICES = Set.of("auto", "cpu", "gpu");
    /** The dtypes a spec may name. */
    static final Set<String> DTYPES = Set.of("auto", "float32", "float16");

    ModelSpec {
        Objects.requireNonNull(dir, "dir");
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
        }
        device = device.toLowerCase(Locale.ROOT);
        dtype = dtype.toLowerCase(Locale.ROOT);
        if (!DEVICES.contains(device)) {
            throw new IllegalArgumentException("device must be one of " + DEVICES + ", got '" + device + "'");
        }
        if (!DTYPES.contains(dtype)) {
            throw new IllegalArgumentException("dtype must be one of " + DTYPES + ", got '" + dtype + "'");
        }
    }

    /**
     * The directory on this machine: the path itself when it exists, else, for a relative name, where Spark put a
     * file or archive of that name shipped with the job.
     *
     * @return the directory (which may not exist: {@link ModelCheck} and the runtime say so)
     * @throws ConfigException when the path is not a local path or {@code file:} URI
     */
    Path resolve() {
        if (!dir.startsWith("file:") && dir.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*")) {
            throw new ConfigException("the model directory must be a local path on the driver and on every executor"
                    + " (shared storage mounted at the same path, or shipped with --archives), not a "
                    + dir.substring(0, dir.indexOf(':')) + " URI: " + dir, null);
        }
        Path p;
        try {
            p = dir.startsWith("file:") ? Path.of(URI.create(dir)) : Path.of(dir);
        } catch (IllegalArgumentException e) { // InvalidPathException, or a malformed file: URI
            throw new ConfigException("the model directory '" + dir + "' is not a valid path: " + e.getMessage(),
                    null, e);
        }
        if (p.isAbsolute() || Files.exists(p)) {
            return p;
        }
        Path shipped = shipped(dir);
        return shipped != null && Files.exists(shipped) ? shipped : p;
    }

    /** Where Spark put a file or archive shipped with the job under this name; null outside a Spark JVM. */
    private static Path shipped(String name) {
        try {
            return Path.of(SparkFiles.get(name));
        } catch (RuntimeException e) {
            return null; // no SparkEnv here (a plain JVM), so nothing was shipped
        }
    }

    /**
     * Loads the runtime this spec describes.
     *
     * @return the runtime, which the caller closes
     */
    UnifiedMllm load() {
        LoadOptions.Builder options = LoadOptions.builder();
        if (!device.equals("auto")) {
            options.device(device.equals("gpu") ? Device.gpu() : Device.cpu());
        }
        if (!dtype.equals("auto")) {
            options.dtype(dtype.equals("float16") ? DataType.FLOAT16 : DataType.FLOAT32);
        }
        // every task of the JVM keeps up to maxBatchSize rows in flight; the queue holds what the batch cannot
        return UnifiedMllm.builder(resolve()).loadOptions(options.build()).maxBatchSize(maxBatchSize)
                .maxQueued(MAX_QUEUED).build();
    }

    /**
     * The runtime's queue: room for the rows in flight of many concurrent tasks (each holds at most a batch), so
     * that a task is never rejected for a full queue; a queued row costs its preprocessed pixels only.
     */
    static final int MAX_QUEUED = 1 << 16;
}
