package io.unimllm.training.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import io.unimllm.training.world.synth.Sample;
import io.unimllm.training.world.synth.WorldSplit;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes world samples as a JSON Lines dataset: {@code data.jsonl} plus {@code images/ID.png},
 * {@code masks/ID_K.png} (grey 0/255) and {@code edited/ID.png}, all paths in the jsonl relative to its directory.
 *
 * <p>One line per sample: {@code {"id", "image", "conversation": [{"role":"user","content":"<image>\n..."},
 * {"role":"assistant","content":"..."}], "boxes": [[x1,y1,x2,y2]], "masks": [...], "edited": "...", "task": "..."}}.
 */
public final class DatasetWriter {
    /** Name of the jsonl file inside a dataset directory. */
    public static final String DATA_FILE = "data.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetWriter() {
    }

    /** Writes {@code samples} to {@code dir} (created if needed) and returns the path of {@code data.jsonl}. */
    public static Path write(Path dir, Stream<Sample> samples) {
        try {
            Files.createDirectories(dir.resolve("images"));
            Files.createDirectories(dir.resolve("masks"));
            Files.createDirectories(dir.resolve("edited"));
            Path jsonl = dir.resolve(DATA_FILE);
            try (BufferedWriter out = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
                Iterator<Sample> it = samples.iterator();
                while (it.hasNext()) {
                    out.write(JSON.writeValueAsString(record(dir, it.next())));
                    out.write('\n');
                }
            }
            return jsonl;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dataset to " + dir, e);
        }
    }

    /**
     * Writes the three parts of {@code split} to {@code root/train}, {@code root/validation} and {@code root/test}.
     *
     * @return the three {@code data.jsonl} paths in that order
     */
    public static List<Path> writeSplit(Path root, WorldSplit split) {
        return List.of(write(root.resolve("train"), split.train()),
                write(root.resolve("validation"), split.validation()), write(root.resolve("test"), split.test()));
    }

    /** Writes a list of samples; see {@link #write(Path, Stream)}. */
    public static Path write(Path dir, Iterable<Sample> samples) {
        Stream.Builder<Sample> b = Stream.builder();
        samples.forEach(b);
        return write(dir, b.build());
    }

    private static ObjectNode record(Path dir, Sample s) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", s.id());
        String image = "images/" + s.id() + ".png";
        png(s.image(), dir.resolve(image));
        o.put("image", image);
        ArrayNode conv = o.putArray("conversation");
        conv.addObject().put("role", "user").put("content", Message.IMAGE_PLACEHOLDER + "\n" + s.instruction());
        conv.addObject().put("role", "assistant").put("content", s.answer());
        if (!s.truth().boxes().isEmpty()) {
            ArrayNode boxes = o.putArray("boxes");
            for (Box b : s.truth().boxes()) {
                boxes.addArray().add(b.x1()).add(b.y1()).add(b.x2()).add(b.y2());
            }
        }
        if (!s.truth().masks().isEmpty()) {
            ArrayNode masks = o.putArray("masks");
            for (int k = 0; k < s.truth().masks().size(); k++) {
                String m = "masks/" + s.id() + "_" + k + ".png";
                png(maskImage(s.truth().masks().get(k)), dir.resolve(m));
                masks.add(m);
            }
        }
        if (s.truth().editedImage().isPresent()) {
            String e = "edited/" + s.id() + ".png";
            png(s.truth().editedImage().get(), dir.resolve(e));
            o.put("edited", e);
        }
        o.put("task", s.task().id());
        return o;
    }

    /** A grey PNG-ready image: 255 where the mask is set, 0 elsewhere. */
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
