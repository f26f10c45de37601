package io.unimllm.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds special tokens in the markup of a {@link PromptText} as Hugging Face's added vocabulary finds them in text:
 * leftmost, then longest; a token marked {@code single_word} only where no word character touches it; one marked
 * {@code lstrip} / {@code rstrip} also takes the whitespace to its left / right. Tokens are matched on the raw text.
 */
final class SpecialTokenMatcher {
    /** A special token and how it is matched (the flags of its {@code added_tokens} entry). */
    record Rule(String content, int id, boolean lstrip, boolean rstrip, boolean singleWord) {
    }

    /** A match: the token and the span of text it consumes, whitespace taken by lstrip / rstrip included. */
    record Match(Rule rule, int start, int end) {
    }

    /** Rules grouped by first character, each group longest first. */
    private final Map<Character, List<Rule>> byFirstChar = new HashMap<>();

    SpecialTokenMatcher(List<Rule> rules) {
        for (Rule r : rules) {
            byFirstChar.computeIfAbsent(r.content().charAt(0), c -> new ArrayList<>()).add(r);
        }
        for (List<Rule> group : byFirstChar.values()) {
            group.sort((a, b) -> Integer.compare(b.content().length(), a.content().length()));
        }
    }

    /**
     * The first match at or after {@code from} that lies wholly in markup.
     *
     * @param text the whole prompt text
     * @param markup which characters of {@code text} are markup
     * @param from where to start looking
     * @param textStart where the ordinary text before a match starts; lstrip takes no whitespace before it
     * @return the match, or null when there is none
     */
    Match next(String text, BitSet markup, int from, int textStart) {
        for (int i = markup.nextSetBit(from); i >= 0 && i < text.length(); i = markup.nextSetBit(i + 1)) {
            List<Rule> group = byFirstChar.get(text.charAt(i));
            if (group == null) {
                continue;
            }
            for (Rule r : group) {
                int end = i + r.content().length();
                if (text.startsWith(r.content(), i) && markup.nextClearBit(i) >= end
                        && (!r.singleWord() || singleWord(text, i, end))) {
                    int start = i;
                    if (r.lstrip()) {
                        while (start > textStart && Character.isWhitespace(text.charAt(start - 1))) {
                            start--;
                        }
                    }
                    if (r.rstrip()) {
                        while (end < text.length() && Character.isWhitespace(text.charAt(end))) {
                            end++;
                        }
                    }
                    return new Match(r, start, end);
                }
            }
        }
        return null;
    }

    private static boolean singleWord(String text, int start, int end) {
        return (start == 0 || !isWordChar(text.charAt(start - 1))) && (end == text.length()
                || !isWordChar(text.charAt(end)));
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
