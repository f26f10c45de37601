package io.unimllm.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits text into ordinary text pieces and added-token occurrences: scanning left to right, the longest
 * added token that starts at the current position wins (so {@code "</box>"} is never read as {@code "<"}
 * followed by something shorter).
 */
final class AddedTokenSplitter {
    /** A piece of text: an added token (tokenId >= 0) or ordinary text (tokenId == -1). */
    record Piece(String text, int tokenId) {
    }

    /** Added tokens grouped by first character, each group sorted longest first. */
    private final Map<Character, List<AddedToken>> byFirstChar = new HashMap<>();

    AddedTokenSplitter(List<AddedToken> tokens) {
        for (AddedToken t : tokens) {
            byFirstChar.computeIfAbsent(t.content().charAt(0), c -> new ArrayList<>()).add(t);
        }
        for (List<AddedToken> group : byFirstChar.values()) {
            group.sort((a, b) -> Integer.compare(b.content().length(), a.content().length()));
        }
    }

    List<Piece> split(String text) {
        List<Piece> out = new ArrayList<>();
        int textStart = 0;
        int i = 0;
        while (i < text.length()) {
            AddedToken match = matchAt(text, i);
            if (match == null) {
                i++;
                continue;
            }
            if (i > textStart) {
                out.add(new Piece(text.substring(textStart, i), -1));
            }
            out.add(new Piece(match.content(), match.id()));
            i += match.content().length();
            textStart = i;
        }
        if (textStart < text.length()) {
            out.add(new Piece(text.substring(textStart), -1));
        }
        return out;
    }

    /**
     * Split-and-splice reference encoding: added tokens become their id, every other piece is encoded on
     * its own (so a legacy SentencePiece normaliser prefixes each piece with "▁").
     */
    static int[] spliceEncode(UnimllmTokenizer tok, String text) {
        return new AddedTokenSplitter(tok.addedTokens()).split(text).stream()
                .flatMapToInt(p -> p.tokenId() >= 0 ? java.util.stream.IntStream.of(p.tokenId())
                        : java.util.Arrays.stream(tok.encodePiece(p.text())))
                .toArray();
    }

    private AddedToken matchAt(String text, int i) {
        List<AddedToken> group = byFirstChar.get(text.charAt(i));
        if (group == null) {
            return null;
        }
        for (AddedToken t : group) {
            if (text.startsWith(t.content(), i)) {
                return t;
            }
        }
        return null;
    }
}
