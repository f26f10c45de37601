package io.unimllm.tokenizer.codec;

import io.unimllm.geometry.Grounding;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads the regions of one grounding dialect (unimllm's {@code <box>}, Florence-2's {@code <loc_N>},
 * PaliGemma's {@code <locNNNN>}, ...). Coordinates on the Java side are always continuous pixels of the original
 * image (see {@code io.unimllm.geometry}); a codec owns the quantisation into the dialect's integer or decimal
 * codes. Implementations are immutable and thread-safe. See docs/protocol.md for each dialect's grammar.
 */
public interface GroundingCodec {

    /** The name {@link Codecs#byName(String)} knows this codec by. */
    String name();

    /**
     * Writes one grounding as the model would.
     *
     * @throws IllegalArgumentException when the dialect cannot express the geometry, or the image size is not positive
     */
    String encode(Grounding grounding, int imageWidth, int imageHeight);

    /** What joins consecutive groundings in {@link #encodeAll}. */
    String separator();

    /** Writes several groundings joined by {@link #separator()}. */
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
     */
    ScanResult scan(CharSequence text, int from, boolean endOfInput, int imageWidth, int imageHeight);

    /** The characters a grounding expression of this dialect can start with (a cheap pre-filter). */
    String startChars();

    /**
     * Decodes every grounding in a complete text, leniently (malformed expressions are skipped; use
     * {@code OutputParser} to see why).
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
