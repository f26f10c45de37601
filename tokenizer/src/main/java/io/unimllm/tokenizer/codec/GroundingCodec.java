package io.unimllm.tokenizer.codec;

import io.unimllm.geometry.Grounding;
import io.unimllm.tokenizer.protocol.ParseWarning;
import java.util.List;

/**
 * One dialect of writing regions as text, both directions: {@link #encode} writes a region the way the model family
 * prints it (for training data), {@link #scan} finds the regions a model printed and turns them into pixel-space
 * {@link Grounding}s of the original image. Implementations are stateless and thread-safe.
 */
public interface GroundingCodec {
    /** Dialect name as used in unimllm.json's {@code codec} field. */
    String name();

    /**
     * Writes a region of an image of the given size in this dialect.
     *
     * @throws IllegalArgumentException for a geometry the dialect cannot express
     */
    String encode(Grounding grounding, int width, int height);

    /**
     * Finds every region written in {@code text}.
     *
     * @param finished false while the text is still being generated: a construct cut off at the end is then pending
     *     (reported through {@link Scan#pendingFrom()}), not malformed
     */
    Scan scan(String text, int width, int height, boolean finished);

    /**
     * A region found in text.
     *
     * @param start offset of its first character
     * @param end offset after its last character
     * @param grounding the region in pixels
     */
    record Match(int start, int end, Grounding grounding) {
    }

    /**
     * The result of a scan.
     *
     * @param matches regions in text order
     * @param warnings constructs repaired or dropped
     * @param pendingFrom offset of an unfinished construct at the end, or the text length when there is none
     */
    record Scan(List<Match> matches, List<ParseWarning> warnings, int pendingFrom) {
        /** Copies the lists. */
        public Scan {
            matches = List.copyOf(matches);
            warnings = List.copyOf(warnings);
        }
    }
}
