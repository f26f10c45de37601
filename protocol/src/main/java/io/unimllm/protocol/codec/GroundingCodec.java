package io.unimllm.protocol.codec;

import io.unimllm.geometry.Grounding;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads the regions of one grounding dialect (unimllm's {@code <box>}, Florence-2's {@code <loc_N>},
 * PaliGemma's {@code <locNNNN>}, ...). Coordinates on the Java side are always continuous pixels of the original
 * image (see {@link io.unimllm.geometry}); a codec owns the quantisation into the dialect's integer or decimal
 * codes. Implementations are immutable and thread-safe. See docs/protocol.md for each dialect's grammar.
 */
public interface GroundingCodec {

    /**
     * The codec's name.
     *
     * @return the name {@link Codecs#byName(String)} knows this codec by
     */
    String name();

    /**
     * Writes one grounding as the model would.
     *
     * @param grounding the region, in pixels of the original image, and its label (written only by dialects that
     *     have labels)
     * @param imageWidth the original image's width in pixels
     * @param imageHeight the original image's height in pixels
     * @return the grounding in the dialect's syntax
     * @throws IllegalArgumentException when the dialect cannot express the geometry, or the image size is not positive
     */
    String encode(Grounding grounding, int imageWidth, int imageHeight);

    /**
     * What the dialect writes between consecutive groundings.
     *
     * @return the text {@link #encodeAll} puts between groundings (may be empty)
     */
    String separator();

    /**
     * Writes several groundings joined by {@link #separator()}.
     *
     * @param groundings the regions, in order
     * @param imageWidth the original image's width in pixels
     * @param imageHeight the original image's height in pixels
     * @return the groundings in the dialect's syntax; empty for no groundings
     * @throws IllegalArgumentException as {@link #encode} does
     */
    default String encodeAll(List<Grounding> groundings, int imageWidth, int imageHeight) {
        StringBuilder sb = new StringBuilder();
        for (Grounding g : groundings) {
            if (!sb.isEmpty()) {
                sb.append(separator());
            }
            sb.append(encode(g, imageWidth, imageHeight));
        }
        return sb.toString();
    }

    /**
     * Looks for one grounding expression starting exactly at {@code from}. Never throws on bad text: malformed
     * expressions come back as a {@link ScanResult.Match} with no groundings and a warning.
     *
     * @param text the text generated so far
     * @param from where to look, {@code 0 <= from < text.length()}
     * @param endOfInput whether {@code text} is complete; when false the codec answers {@link ScanResult#NEED_MORE}
     *     instead of deciding on a prefix
     * @param imageWidth the original image's width in pixels, which the groundings are decoded into
     * @param imageHeight the original image's height in pixels
     * @return {@link ScanResult#NO_MATCH} when no grounding starts at {@code from}, {@link ScanResult#NEED_MORE}
     *     when the text so far cannot decide, else a {@link ScanResult.Match} ending past {@code from}
     * @throws IllegalArgumentException when {@code from} is outside the text or the image size is not positive
     */
    ScanResult scan(CharSequence text, int from, boolean endOfInput, int imageWidth, int imageHeight);

    /**
     * The characters a grounding expression of this dialect can start with (a cheap pre-filter).
     *
     * @return the characters, concatenated; callers call {@link #scan} only at one of them
     */
    String startChars();

    /**
     * Decodes every grounding in a complete text, leniently (malformed expressions are skipped; use
     * {@link io.unimllm.protocol.parse.OutputParser} to see why).
     *
     * @param text a complete model answer
     * @param imageWidth the original image's width in pixels
     * @param imageHeight the original image's height in pixels
     * @return the groundings in text order, labelled from the preceding text where the dialect writes labels there
     * @throws IllegalArgumentException when the image size is not positive
     */
    default List<Grounding> decode(String text, int imageWidth, int imageHeight) {
        Quantizer.checkSize(imageWidth, imageHeight);
        List<Grounding> out = new ArrayList<>();
        int i = 0;
        int textStart = 0;
        while (i < text.length()) {
            if (startChars().indexOf(text.charAt(i)) >= 0
                    && scan(text, i, true, imageWidth, imageHeight) instanceof ScanResult.Match m) {
                String label = m.labelFromPrecedingText() ? text.substring(textStart, i).strip() : "";
                for (Grounding g : m.groundings()) {
                    out.add(label.isEmpty() || g.label().isPresent() ? g : Grounding.of(g.geometry(), label));
                }
                i = m.end();
                textStart = i;
            } else {
                i++;
            }
        }
        return out;
    }
}
