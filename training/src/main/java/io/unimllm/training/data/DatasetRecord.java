package io.unimllm.training.data;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * One validated line of a {@code data.jsonl} file.
 *
 * @param baseDir the directory relative paths are resolved against (the jsonl file's directory)
 * @param id the optional sample id, empty string when absent
 * @param image image path relative to {@code baseDir}
 * @param conversation the turns, at least one user and one assistant turn
 * @param boxes target boxes in pixels of the image (may be empty)
 * @param masks mask PNG paths relative to {@code baseDir}, parallel to {@code boxes} when both are given
 * @param task the task kind id, e.g. {@code "segment"}, if given
 * @param edited path of the expected edited image, if given
 * @param line 1-based line number in the jsonl file
 */
public record DatasetRecord(Path baseDir, String id, String image, List<Message> conversation, List<Box> boxes,
        List<String> masks, Optional<String> task, Optional<String> edited, long line) {
    /**
     * Checks that no component is null and copies the lists.
     *
     * @param baseDir the directory relative paths are resolved against (the jsonl file's directory)
     * @param id the optional sample id, empty string when absent
     * @param image image path relative to {@code baseDir}
     * @param conversation the turns, at least one user and one assistant turn
     * @param boxes target boxes in pixels of the image (may be empty)
     * @param masks mask PNG paths relative to {@code baseDir}, parallel to {@code boxes} when both are given
     * @param task the task kind id, e.g. {@code "segment"}, if given
     * @param edited path of the expected edited image, if given
     * @param line 1-based line number in the jsonl file
     */
    public DatasetRecord {
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        conversation = List.copyOf(conversation);
        boxes = List.copyOf(boxes);
        masks = List.copyOf(masks);
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(edited, "edited");
    }

    /**
     * Content of the first user turn.
     *
     * @return its text, with the image placeholder line if it has one
     */
    public String userContent() {
        return conversation.stream().filter(m -> m.role().equals("user")).findFirst().orElseThrow().content();
    }

    /**
     * Content of the last assistant turn: the training target.
     *
     * @return its text
     */
    public String assistantContent() {
        String last = null;
        for (Message m : conversation) {
            if (m.role().equals("assistant")) {
                last = m.content();
            }
        }
        return Objects.requireNonNull(last, "no assistant turn");
    }

    /**
     * The user instruction without the {@code <image>\n} prefix.
     *
     * @return the first user turn's text after that prefix
     */
    public String instruction() {
        String u = userContent();
        String prefix = Message.IMAGE_PLACEHOLDER + "\n";
        return u.startsWith(prefix) ? u.substring(prefix.length()) : u;
    }

    /**
     * Reads the image.
     *
     * @return the decoded image
     * @throws java.io.UncheckedIOException when the file cannot be read or decoded
     */
    public BufferedImage loadImage() {
        return read(baseDir.resolve(image));
    }

    /**
     * Reads mask {@code index}: a pixel is set where the PNG's grey value is above 127.
     *
     * @param index the position of the mask in {@link #masks()}
     * @return the mask, the size of its PNG
     * @throws java.io.UncheckedIOException when the file cannot be read or decoded
     */
    public Mask loadMask(int index) {
        BufferedImage m = read(baseDir.resolve(masks.get(index)));
        boolean[] bits = new boolean[m.getWidth() * m.getHeight()];
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                bits[y * m.getWidth() + x] = (m.getRGB(x, y) & 0xFF) > 127;
            }
        }
        return new Mask(m.getWidth(), m.getHeight(), bits);
    }

    /**
     * Reads the expected edited image, if the record has one.
     *
     * @return the decoded image, or empty
     * @throws java.io.UncheckedIOException when the file cannot be read or decoded
     */
    public Optional<BufferedImage> loadEdited() {
        return edited.map(p -> read(baseDir.resolve(p)));
    }

    private static BufferedImage read(Path p) {
        try {
            BufferedImage img = ImageIO.read(p.toFile());
            if (img == null) {
                throw new UncheckedIOException(new IOException("not a readable image: " + p));
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
