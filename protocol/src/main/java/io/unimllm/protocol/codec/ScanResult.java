package io.unimllm.protocol.codec;

import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.ParseWarning;
import java.util.List;

/** What a {@link GroundingCodec} found when asked to scan for a grounding at one position of the text. */
public sealed interface ScanResult {
    /** No grounding starts here: the character is plain text. */
    NoMatch NO_MATCH = new NoMatch();
    /** The text seen so far could start a grounding; more text is needed to decide. */
    NeedMore NEED_MORE = new NeedMore();

    /** No grounding starts at the position. */
    record NoMatch() implements ScanResult {}

    /** Undecidable until more text arrives (only when the scan was not told the input ended). */
    record NeedMore() implements ScanResult {}

    /**
     * A grounding expression spans {@code [from, end)}.
     *
     * @param end index just past the consumed characters, {@code > from}
     * @param groundings the decoded groundings, empty when the expression was dropped
     * @param warnings repairs and drops, with character positions in the scanned text
     * @param labelFromPrecedingText whether the dialect writes the label before the expression (Florence-2), so the
     *     caller should label the groundings with the text just before {@code from}
     */
    record Match(int end, List<Grounding> groundings, List<ParseWarning> warnings, boolean labelFromPrecedingText)
            implements ScanResult {
        /**
         * Copies the lists.
         *
         * @param end index just past the consumed characters
         * @param groundings the decoded groundings
         * @param warnings repairs and drops
         * @param labelFromPrecedingText whether the label comes from the text before the expression
         */
        public Match {
            groundings = List.copyOf(groundings);
            warnings = List.copyOf(warnings);
        }
    }
}
