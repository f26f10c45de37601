package io.unimllm.training.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.geometry.Box;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Streams and validates a JSON Lines dataset one line at a time (the file is never held in memory). Blank lines are
 * skipped. Any invalid line throws {@link DatasetException} naming the file, the 1-based line and the problem: bad
 * JSON, a missing or mistyped field, a missing image or mask file, or a box outside the image.
 */
public final class JsonlDatasetReader implements Iterator<DatasetRecord>, AutoCloseable {
    /** The file name of a dataset's records inside its directory. */
    public static final String DATA_FILE = "data.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Path baseDir;
    private final BufferedReader in;
    private long lineNumber;
    private DatasetRecord next;

    private JsonlDatasetReader(Path file) {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        this.baseDir = parent;
        try {
            this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException(file, 0, "cannot open dataset file: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a dataset file; close the reader when done.
     *
     * @param file a {@code data.jsonl}, or a directory holding one
     * @return a reader positioned before the first record
     * @throws DatasetException when the file cannot be opened
     */
    public static JsonlDatasetReader open(Path file) {
        Path f = Files.isDirectory(file) ? file.resolve(DATA_FILE) : file;
        return new JsonlDatasetReader(f);
    }

    /**
     * Reads and validates every record of a dataset into a list.
     *
     * @param file a {@code data.jsonl}, or a directory holding one
     * @return the records in file order
     * @throws DatasetException at the first invalid line
     */
    public static List<DatasetRecord> readAll(Path file) {
        try (JsonlDatasetReader r = open(file)) {
            List<DatasetRecord> out = new ArrayList<>();
            r.forEachRemaining(out::add);
            return out;
        }
    }

    /**
     * The remaining records as a sequential stream; closing the stream closes the reader.
     *
     * @return the stream, which throws {@link DatasetException} at an invalid line
     */
    public Stream<DatasetRecord> stream() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    /**
     * Reads ahead to the next non-blank line and validates it.
     *
     * @return whether a record follows
     * @throws DatasetException when the line is invalid or the file cannot be read
     */
    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        try {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    next = parse(line);
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new DatasetException(file, lineNumber, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The next record.
     *
     * @return the validated record
     * @throws NoSuchElementException when no record is left
     * @throws DatasetException when the line is invalid or the file cannot be read
     */
    @Override
    public DatasetRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more records in " + file);
        }
        DatasetRecord r = next;
        next = null;
        return r;
    }

    /**
     * Closes the file.
     *
     * @throws UncheckedIOException when closing fails
     */
    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }

    private DatasetRecord parse(String line) {
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw fail("bad JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw fail("a record must be a JSON object");
        }
        String image = text(o, "image", true);
        Path imagePath = baseDir.resolve(image);
        if (!Files.isRegularFile(imagePath)) {
            throw fail("image file missing: " + image + " (resolved to " + imagePath + ")");
        }
        int[] size = imageSize(imagePath, image);
        List<Message> conversation = conversation(o);
        List<Box> boxes = boxes(o, size[0], size[1]);
        List<String> masks = new ArrayList<>();
        JsonNode m = o.get("masks");
        if (m != null && !m.isNull()) {
            if (!m.isArray()) {
                throw fail("field 'masks' must be an array of relative paths");
            }
            for (int i = 0; i < m.size(); i++) {
                if (!m.get(i).isTextual()) {
                    throw fail("masks[" + i + "] must be a string path");
                }
                String mp = m.get(i).asText();
                if (!Files.isRegularFile(baseDir.resolve(mp))) {
                    throw fail("mask file missing: " + mp);
                }
                masks.add(mp);
            }
            if (!boxes.isEmpty() && boxes.size() != masks.size()) {
                throw fail("'masks' has " + masks.size() + " entries but 'boxes' has " + boxes.size());
            }
        }
        Optional<String> edited = Optional.ofNullable(text(o, "edited", false));
        if (edited.isPresent() && !Files.isRegularFile(baseDir.resolve(edited.get()))) {
            throw fail("edited image file missing: " + edited.get());
        }
        String id = Optional.ofNullable(text(o, "id", false)).orElse("");
        return new DatasetRecord(baseDir, id, image, conversation, boxes, masks,
                Optional.ofNullable(text(o, "task", false)), edited, lineNumber);
    }

    private String text(JsonNode o, String field, boolean required) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw fail("missing field '" + field + "'");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw fail("field '" + field + "' must be a string, got " + v.getNodeType());
        }
        return v.asText();
    }

    private List<Message> conversation(JsonNode o) {
        JsonNode c = o.get("conversation");
        if (c == null || c.isNull()) {
            throw fail("missing field 'conversation'");
        }
        if (!c.isArray() || c.isEmpty()) {
            throw fail("field 'conversation' must be a non-empty array");
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            JsonNode t = c.get(i);
            JsonNode role = t.get("role");
            JsonNode content = t.get("content");
            if (role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw fail("conversation[" + i + "] needs string fields 'role' and 'content'");
            }
            String r = role.asText();
            if (!r.equals("user") && !r.equals("assistant") && !r.equals("system")) {
                throw fail("conversation[" + i + "] has unknown role '" + r + "' (user, assistant or system)");
            }
            out.add(new Message(r, content.asText()));
        }
        if (out.stream().noneMatch(x -> x.role().equals("user"))
                || out.stream().noneMatch(x -> x.role().equals("assistant"))) {
            throw fail("conversation needs at least one user and one assistant turn");
        }
        return out;
    }

    private List<Box> boxes(JsonNode o, int width, int height) {
        JsonNode b = o.get("boxes");
        List<Box> out = new ArrayList<>();
        if (b == null || b.isNull()) {
            return out;
        }
        if (!b.isArray()) {
            throw fail("field 'boxes' must be an array of [x1,y1,x2,y2]");
        }
        for (int i = 0; i < b.size(); i++) {
            JsonNode v = b.get(i);
            if (!v.isArray() || v.size() != 4 || !v.get(0).isNumber() || !v.get(1).isNumber()
                    || !v.get(2).isNumber() || !v.get(3).isNumber()) {
                throw fail("boxes[" + i + "] must be 4 numbers [x1,y1,x2,y2], got " + v);
            }
            double x1 = v.get(0).asDouble(), y1 = v.get(1).asDouble(), x2 = v.get(2).asDouble(),
                    y2 = v.get(3).asDouble();
            if (x1 < 0 || y1 < 0 || x2 > width || y2 > height || x2 < x1 || y2 < y1) {
                throw fail("boxes[" + i + "] " + v + " is out of range for a " + width + "x" + height
                        + " image (need 0 <= x1 <= x2 <= width, 0 <= y1 <= y2 <= height)");
            }
            out.add(new Box(x1, y1, x2, y2));
        }
        return out;
    }

    private int[] imageSize(Path p, String name) {
        try (ImageInputStream s = ImageIO.createImageInputStream(p.toFile())) {
            Iterator<ImageReader> readers = s == null ? null : ImageIO.getImageReaders(s);
            if (readers == null || !readers.hasNext()) {
                throw fail("image file is not a readable image: " + name);
            }
            ImageReader r = readers.next();
            try {
                r.setInput(s);
                return new int[] {r.getWidth(0), r.getHeight(0)};
            } finally {
                r.dispose();
            }
        } catch (IOException e) {
            throw fail("cannot read image " + name + ": " + e.getMessage());
        }
    }

    private DatasetException fail(String problem) {
        return new DatasetException(file, lineNumber, problem);
    }
}
