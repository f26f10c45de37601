package io.unimllm.spark;

import io.unimllm.AskRequest;
import io.unimllm.Response;
import io.unimllm.UnifiedMllm;
import io.unimllm.core.ImageException;
import io.unimllm.core.PromptException;
import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.protocol.UnimllmException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The work of one partition, run on an executor: the JVM's shared runtime ({@link ExecutorModels}) answers the rows,
 * a window of {@code batch} rows submitted at a time so that the runtime decodes them together, and each output row
 * is the input row with the result and error columns added, in input order. Input errors (an image that cannot be
 * read or decoded, a null instruction, a prompt past the model's context) become the row's error; anything else (the
 * model failing to load, the runtime closed) fails the task, which Spark retries.
 */
final class AskPartitions implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    /** Image files larger than this are refused before they are read (a mistake, not an image). */
    static final long MAX_IMAGE_BYTES = 512L << 20;

    private final Plan plan;

    /**
     * What a partition's task needs to know, fixed on the driver.
     *
     * @param model which model and how
     * @param imageIndex the image column's position
     * @param imagePaths true when the image column holds paths, false when it holds the encoded bytes
     * @param imageCol the image column's name, for errors
     * @param sourceIndex the position of a string column naming each row's image (binaryFile's {@code path}), or -1
     * @param instructionIndex the instruction column's position
     * @param instructionCol the instruction column's name, for errors
     * @param generation the explicitly set generation settings
     * @param withImages whether edited images are written as PNG bytes
     * @param hadoopConf the driver's Hadoop configuration (Writable bytes), for reading image paths; null when the
     *     image column holds bytes
     */
    record Plan(ModelSpec model, int imageIndex, boolean imagePaths, String imageCol, int sourceIndex,
            int instructionIndex, String instructionCol, GenerationSettings generation, boolean withImages,
            byte[] hadoopConf) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    AskPartitions(Plan plan) {
        this.plan = plan;
    }

    /**
     * A Hadoop configuration as bytes that travel with the tasks.
     *
     * @param conf the configuration
     * @return its Writable form
     */
    static byte[] serialize(Configuration conf) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            conf.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the Hadoop configuration", e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Rows out = new Rows(plan, ExecutorModels.get(plan.model()), rows);
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) t -> out.cancelPending());
        }
        return out;
    }

    /** The output rows of one partition, computed as Spark pulls them. */
    static final class Rows implements Iterator<Row> {
        private final Plan plan;
        private final UnifiedMllm mllm;
        private final Iterator<Row> input;
        private final ArrayDeque<Pending> window = new ArrayDeque<>();
        private final int batch;
        private Configuration hadoop;

        Rows(Plan plan, UnifiedMllm mllm, Iterator<Row> input) {
            this.plan = plan;
            this.mllm = mllm;
            this.input = input;
            this.batch = plan.model().maxBatchSize();
        }

        @Override
        public boolean hasNext() {
            return !window.isEmpty() || input.hasNext();
        }

        @Override
        public Row next() {
            fill();
            Pending head = window.poll();
            if (head == null) {
                throw new NoSuchElementException();
            }
            fill(); // keep the batch full while waiting for the head
            return head.finish();
        }

        private void fill() {
            while (window.size() < batch && input.hasNext()) {
                window.add(start(input.next()));
            }
        }

        /** Cancels the rows still in flight (a killed or failed task), freeing their places in the batch. */
        void cancelPending() {
            for (Pending p : window) {
                if (p.future != null) {
                    p.future.cancel(true);
                }
            }
        }

        private Pending start(Row row) {
            try {
                BufferedImage image = image(row);
                if (row.isNullAt(plan.instructionIndex())) {
                    throw new PromptException("the instruction (column '" + plan.instructionCol() + "') is null");
                }
                AskRequest request = AskRequest.of(image, row.getString(plan.instructionIndex()))
                        .withGeneration(plan.generation().toConfig());
                return new Pending(plan, row, mllm.submit(request), null);
            } catch (UnimllmException e) {
                return new Pending(plan, row, null, e);
            }
        }

        private BufferedImage image(Row row) {
            int i = plan.imageIndex();
            if (row.isNullAt(i)) {
                throw new ImageException("the image (column '" + plan.imageCol() + "') is null");
            }
            if (plan.imagePaths()) {
                String path = row.getString(i);
                return ImagePreprocessor.decode(read(path), path);
            }
            String source = plan.sourceIndex() >= 0 && !row.isNullAt(plan.sourceIndex())
                    ? row.getString(plan.sourceIndex()) : "in column '" + plan.imageCol() + "'";
            return ImagePreprocessor.decode((byte[]) row.get(i), source);
        }

        /** An image file's bytes, through Hadoop's file systems (local paths, file:, hdfs:, s3a:, ...). */
        private byte[] read(String path) {
            try {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
                FileSystem fs = p.getFileSystem(hadoop());
                FileStatus status = fs.getFileStatus(p);
                if (status.isDirectory()) {
                    throw new ImageException("image path " + path + " is a directory");
                }
                if (status.getLen() > MAX_IMAGE_BYTES) {
                    throw new ImageException("image file " + path + " has " + status.getLen() + " bytes, more than "
                            + MAX_IMAGE_BYTES);
                }
                try (InputStream in = fs.open(p)) {
                    return in.readAllBytes();
                }
            } catch (FileNotFoundException e) {
                throw new ImageException("image file not found: " + path, e);
            } catch (IOException | IllegalArgumentException e) {
                if (e instanceof ImageException ie) {
                    throw ie;
                }
                throw new ImageException("cannot read image " + path + ": " + e.getMessage(), e);
            }
        }

        private Configuration hadoop() throws IOException {
            if (hadoop == null) {
                Configuration conf = new Configuration(false);
                try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plan.hadoopConf()))) {
                    conf.readFields(in);
                }
                hadoop = conf;
            }
            return hadoop;
        }
    }

    /** One row in flight: its answer to come, or the input error that stopped it. */
    private static final class Pending {
        private final Plan plan;
        private final Row row;
        private final CompletableFuture<Response> future;
        private final UnimllmException error;

        Pending(Plan plan, Row row, CompletableFuture<Response> future, UnimllmException error) {
            this.plan = plan;
            this.row = row;
            this.future = future;
            this.error = error;
        }

        Row finish() {
            if (error != null) {
                return output(null, ResultRows.error(error));
            }
            Response r;
            try {
                r = future.join();
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof UnimllmException input) {
                    return output(null, ResultRows.error(input));
                }
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
            return output(ResultRows.result(r, plan.withImages()), null);
        }

        private Row output(Row result, Row error) {
            Object[] values = new Object[row.length() + 2];
            for (int i = 0; i < row.length(); i++) {
                values[i] = row.get(i);
            }
            values[row.length()] = result;
            values[row.length() + 1] = error;
            return RowFactory.create(values);
        }
    }
}
