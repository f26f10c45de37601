package io.unimllm.shapes.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import io.unimllm.shapes.world.Phrasings;
import io.unimllm.shapes.world.Sample;
import io.unimllm.shapes.world.WorldGenerator;
import io.unimllm.training.data.JsonlDatasetReader;
import io.unimllm.training.data.Message;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes samples of the world ({@link WorldGenerator}) as a JSON Lines dataset: {@code data.jsonl} plus
 * {@code images/ID.png}, {@code masks/ID_0.png} (grey 0/255) and {@code edited/ID.png}, all paths in the jsonl relative
 * to its directory. Ids are {@code PREFIX-000000}, {@code PREFIX-000001}, ... in sample order.
 *
 * <p>One line per sample: {@code {"id", "image", "conversation": [{"role":"user","content":"<image>\n..."},
 * {"role":"assistant","content":"..."}], "boxes": [[x1,y1,x2,y2]], "masks": [...], "edited": "...", "task": "..."}};
 * {@code masks} (segment, recolour, remove: the target's mask, parallel to its one box) and {@code edited} (recolour,
 * remove) only where the sample has them, {@code task} is {@link Phrasings.Task#id()}.
 */
public final class DatasetWriter {
    /** Name of the jsonl file inside a dataset directory. */
    public static final String DATA_FILE = JsonlDatasetReader.DATA_FILE;
    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetWriter() {
    }

    /**
     * Writes {@code samples} to {@code dir}, with ids {@code idPrefix-NNNNNN}.
     *
     * @param dir the dataset directory, created if needed
     * @param idPrefix the prefix of the ids
     * @param samples the samples, in id order
     * @return the written {@code data.jsonl}
     * @throws UncheckedIOException when a file cannot be written
     */
    public static Path write(Path dir, String idPrefix, Iterable<Sample> samples) {
        try {
            Files.createDirectories(dir.resolve("images"));
            Files.createDirectories(dir.resolve("masks"));
            Files.createDirectories(dir.resolve("edited"));
            Path jsonl = dir.resolve(DATA_FILE);
            try (BufferedWriter out = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
                int index = 0;
                for (Sample s : samples) {
                    out.write(JSON.writeValueAsString(record(dir, String.format(Locale.ROOT, "%s-%06d", idPrefix,
                            index++), s)));
                    out.write('\n');
                }
            }
            return jsonl;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dataset to " + dir, e);
        }
    }

    /**
     * Writes a train / validation / test split of the world to {@code root/train}, {@code root/validation} and
     * {@code root/test}. Train and validation use the training phrasings with different scenes, test only the
     * held-out phrasings; each part has its own seed derived from {@code seed} ({@code 3 seed}, {@code 3 seed + 1},
     * {@code 3 seed + 2}), so changing one part's size does not change another's samples.
     *
     * @param root the directory the three parts are written under
     * @param imageSize image side in pixels
     * @param maxShapes most shapes per scene
     * @param seed the seed the parts' seeds derive from
     * @param trainCount samples of the train part
     * @param validationCount samples of the validation part
     * @param testCount samples of the test part
     * @return the three {@code data.jsonl} paths in that order
     * @throws IllegalArgumentException when a count is negative or the generator rejects the image size or shape
     *     count
     * @throws UncheckedIOException when a file cannot be written
     */
    public static List<Path> writeSplit(Path root, int imageSize, int maxShapes, long seed, int trainCount,
            int validationCount, int testCount) {
        if (trainCount < 0 || validationCount < 0 || testCount < 0) {
            throw new IllegalArgumentException("split sizes must be >= 0: " + trainCount + "/" + validationCount
                    + "/" + testCount);
        }
        return List.of(
                write(root.resolve("train"), "train",
                        new WorldGenerator(imageSize, maxShapes, Phrasings.TRAIN, seed * 3).next(trainCount)),
                write(root.resolve("validation"), "val",
                        new WorldGenerator(imageSize, maxShapes, Phrasings.TRAIN, seed * 3 + 1).next(validationCount)),
                write(root.resolve("test"), "test",
                        new WorldGenerator(imageSize, maxShapes, Phrasings.TEST, seed * 3 + 2).next(testCount)));
    }

    private static ObjectNode record(Path dir, String id, Sample s) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        String image = "images/" + id + ".png";
        png(s.scene().render(), dir.resolve(image));
        o.put("image", image);
        ArrayNode conv = o.putArray("conversation");
        conv.addObject().put("role", "user").put("content", Message.IMAGE_PLACEHOLDER + "\n" + s.instruction());
        conv.addObject().put("role", "assistant").put("content", s.answer());
        if (!s.boxes().isEmpty()) {
            ArrayNode boxes = o.putArray("boxes");
            for (Box b : s.boxes()) {
                boxes.addArray().add(b.x1()).add(b.y1()).add(b.x2()).add(b.y2());
            }
        }
        if (s.mask().isPresent()) {
            String m = "masks/" + id + "_0.png";
            png(maskImage(s.mask().get()), dir.resolve(m));
            o.putArray("masks").add(m);
        }
        if (s.edited().isPresent()) {
            String e = "edited/" + id + ".png";
            png(s.edited().get(), dir.resolve(e));
            o.put("edited", e);
        }
        o.put("task", s.task().id());
        return o;
    }

    /**
     * A grey PNG-ready image of a mask, as the dataset stores masks.
     *
     * @param m the mask
     * @return an image of the mask's size: 255 where the mask is set, 0 elsewhere
     */
    public static BufferedImage maskImage(Mask m) {
        BufferedImage img = new BufferedImage(m.width(), m.height(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < m.height(); y++) {
            for (int x = 0; x < m.width(); x++) {
                img.getRaster().setSample(x, y, 0, m.get(x, y) ? 255 : 0);
            }
        }
        return img;
    }

    private static void png(BufferedImage img, Path p) throws IOException {
        if (!ImageIO.write(img, "png", p.toFile())) {
            throw new IOException("no PNG writer for " + p);
        }
    }
}
