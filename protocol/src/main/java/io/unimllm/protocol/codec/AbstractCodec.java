package io.unimllm.protocol.codec;

import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/** Shared scanning machinery: the {@link Cursor} protocol, truncated openers, and coordinate repairs. */
abstract class AbstractCodec implements GroundingCodec {

    /** The literals a grounding of this dialect starts with, for recognising one cut off at the end. */
    protected abstract List<String> openers();

    /** Scans at {@code c.pos}; may throw {@link Cursor.NeedMore}. */
    protected abstract ScanResult scanAt(Cursor c, int imageWidth, int imageHeight);

    @Override
    public final ScanResult scan(CharSequence text, int from, boolean endOfInput, int imageWidth, int imageHeight) {
        Quantizer.checkSize(imageWidth, imageHeight);
        if (from < 0 || from >= text.length()) {
            throw new IllegalArgumentException("scan position " + from + " outside text of length " + text.length());
        }
        Cursor c = new Cursor(text, from, endOfInput);
        try {
            ScanResult r = scanAt(c, imageWidth, imageHeight);
            if (r instanceof ScanResult.NoMatch) {
                for (String opener : openers()) {
                    if (c.truncatedPrefixOf(opener)) {
                        return new ScanResult.Match(text.length(), List.of(), List.of(ParseWarning.at(
                                Kind.TRUNCATED_TOKEN, from, "output ends inside " + opener + "; dropped")), false);
                    }
                }
            }
            return r;
        } catch (Cursor.NeedMore e) {
            return ScanResult.NEED_MORE;
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name() + "]";
    }

    /** A successful or dropped match ending at the cursor. */
    static ScanResult.Match match(Cursor c, List<Grounding> groundings, List<ParseWarning> warnings) {
        return new ScanResult.Match(c.pos, groundings, warnings, false);
    }

    /** Clamps {@code v} into {@code lo..hi}, warning when it was outside. */
    static long clampWarn(long v, long lo, long hi, int charIndex, String what, List<ParseWarning> warnings) {
        if (v < lo || v > hi) {
            long r = Math.max(lo, Math.min(hi, v));
            warnings.add(ParseWarning.at(Kind.OUT_OF_RANGE, charIndex,
                    what + " coordinate " + v + " outside " + lo + ".." + hi + "; clamped to " + r));
            return r;
        }
        return v;
    }

    /**
     * Orders a box's codes {@code (a1, b1, a2, b2)} so that {@code a1 <= a2} and {@code b1 <= b2}, warning when it
     * had to swap.
     */
    static long[] orderCorners(long[] q, int charIndex, String what, List<ParseWarning> warnings) {
        long[] r = q.clone();
        boolean swapped = false;
        for (int i = 0; i < 2; i++) {
            if (r[i + 2] < r[i]) {
                long t = r[i];
                r[i] = r[i + 2];
                r[i + 2] = t;
                swapped = true;
            }
        }
        if (swapped) {
            warnings.add(ParseWarning.at(Kind.SWAPPED_CORNERS, charIndex, what + " corners out of order ("
                    + q[0] + "," + q[1] + "," + q[2] + "," + q[3] + "); swapped"));
        }
        return r;
    }


    /** Numbers read inside a delimited grounding, or why they could not be. */
    record Numbers(List<Long> values, List<Integer> positions, ParseWarning problem) {
        boolean ok() {
            return problem == null;
        }
    }

    /**
     * Reads integers separated by any of {@code separators} up to and including {@code close}. Whitespace is
     * ignored everywhere, also between the digits of one number: word-level tokenizers decode {@code 120} as
     * {@code "1 2 0"}. On an unexpected character stops before it; on the end of input consumes everything.
     */
    static Numbers readInts(Cursor c, int openAt, String open, String close, String separators) {
        List<Long> values = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        long cur = 0;
        int curAt = -1;
        boolean negative = false;
        while (true) {
            int ch = c.peek();
            if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
                c.pos++;
                continue;
            }
            boolean separator = ch != Cursor.EOF && separators.indexOf(ch) >= 0;
            boolean closing = !separator && c.lookingAt(close);
            if ((separator || closing) && curAt >= 0) {
                values.add(negative ? -cur : cur);
                positions.add(curAt);
                cur = 0;
                curAt = -1;
                negative = false;
            }
            if (separator) {
                c.pos++;
                continue;
            }
            if (closing) {
                c.accept(close);
                return new Numbers(values, positions, null);
            }
            if (ch >= '0' && ch <= '9') {
                if (curAt < 0) {
                    curAt = c.pos;
                }
                cur = Math.min(cur * 10 + (ch - '0'), 1_000_000_000L);
                c.pos++;
                continue;
            }
            if (ch == '-' && curAt < 0 && !negative) {
                negative = true;
                curAt = c.pos;
                c.pos++;
                continue;
            }
            int at = c.pos;
            if (ch == Cursor.EOF || c.truncatedPrefixOf(close)) {
                c.toEnd();
                return new Numbers(values, positions, ParseWarning.at(Kind.UNTERMINATED_GROUNDING, openAt,
                        "output ends inside " + open + " before " + close + "; dropped"));
            }
            if (ch == '<') {
                return new Numbers(values, positions, ParseWarning.at(Kind.UNTERMINATED_GROUNDING, openAt,
                        open + " not closed by " + close + " before the next tag at char " + at + "; dropped"));
            }
            return new Numbers(values, positions, ParseWarning.at(Kind.MALFORMED_GROUNDING, at,
                    "unexpected '" + (char) ch + "' inside " + open + "; dropped"));
        }
    }

    static ParseWarning arity(int at, String what, int got, String expected) {
        return ParseWarning.at(Kind.WRONG_ARITY, at, what + " has " + got + " coordinates, expected " + expected
                + "; dropped");
    }
}
