package io.unimllm.protocol.codec;

import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * Reads the number lists dialects write inside their tags or brackets: {@code (120,300),(560,880)},
 * {@code [[1, 2, 3, 4], [5, 6, 7, 8]]}, {@code [[086,540,400,760;100,200,300,400]]}, {@code x1 y1 x2 y2}. Numbers are
 * separated by commas, semicolons or whitespace; {@code [ ]} and {@code ( )} group them, and a {@code ;} starts a new
 * group inside the same bracket. Models also write ragged lists ({@code [245,[234,543,542,244]]}, an odd count): the
 * reader keeps the grouping and lets the dialect judge each group. Reads through a {@link Cursor}, so it never
 * decides on a prefix.
 */
final class NumberLists {
    private NumberLists() {}

    /**
     * One number as written.
     *
     * @param value its value (huge digit runs parse to huge values, never fail)
     * @param at index of its first character
     * @param decimal whether it was written with a decimal point
     */
    record Num(double value, int at, boolean decimal) {}

    /**
     * What was read.
     *
     * @param flat every number, in text order
     * @param groups the numbers of each innermost bracket (or {@code ;}-separated part), in text order; numbers
     *     outside any bracket form one group
     * @param problem why the list was dropped, or null
     * @param unexpected whether the problem is a character that cannot be part of a number list (plain-text
     *     dialects then read the whole thing as text)
     */
    record Read(List<Num> flat, List<List<Num>> groups, ParseWarning problem, boolean unexpected) {
        boolean ok() {
            return problem == null;
        }
    }

    /**
     * Reads numbers from the cursor up to and including {@code close}, or, when {@code close} is null, up to the
     * bracket that closes the one the cursor is at.
     *
     * @param c the cursor, just past the opener (or at the first bracket when {@code close} is null)
     * @param openAt where the grounding started, for warnings
     * @param what the opener as the warning names it, e.g. {@code "<box>"}
     * @param close the closing literal, or null for bracket-delimited dialects
     * @param cutIsTruncatedToken whether an end of input inside the list is {@link Kind#TRUNCATED_TOKEN} (plain-text
     *     bracket dialects) rather than {@link Kind#UNTERMINATED_GROUNDING} (tag dialects)
     * @return the numbers, or the problem
     */
    static Read read(Cursor c, int openAt, String what, String close, boolean cutIsTruncatedToken) {
        List<Num> flat = new ArrayList<>();
        List<List<Num>> done = new ArrayList<>();
        Deque<List<Num>> open = new ArrayDeque<>();
        open.push(new ArrayList<>());
        int depth = 0;
        while (true) {
            if (close != null && c.lookingAt(close)) {
                c.accept(close);
                break;
            }
            int ch = c.peek();
            if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == ',') {
                c.pos++;
                continue;
            }
            if (ch == ';') {
                finish(open.pop(), done);
                open.push(new ArrayList<>());
                c.pos++;
                continue;
            }
            if (ch == '[' || ch == '(') {
                open.push(new ArrayList<>());
                depth++;
                c.pos++;
                continue;
            }
            if ((ch == ']' || ch == ')') && depth > 0) {
                finish(open.pop(), done);
                depth--;
                c.pos++;
                if (close == null && depth == 0) {
                    break;
                }
                continue;
            }
            int at = c.pos;
            if ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.') {
                String d = c.readDecimal();
                if (d != null) {
                    Num n = new Num(parse(d), at, d.indexOf('.') >= 0);
                    flat.add(n);
                    open.peek().add(n);
                    continue;
                }
            }
            if (ch == Cursor.EOF || (close != null && c.truncatedPrefixOf(close))) {
                c.toEnd();
                return new Read(flat, done, ParseWarning.at(
                        cutIsTruncatedToken ? Kind.TRUNCATED_TOKEN : Kind.UNTERMINATED_GROUNDING, openAt,
                        "output ends inside " + what + (close != null ? " before " + close : "") + "; dropped"),
                        false);
            }
            if (ch == '<' && close != null) {
                return new Read(flat, done, ParseWarning.at(Kind.UNTERMINATED_GROUNDING, openAt,
                        what + " not closed by " + close + " before the next tag at char " + at + "; dropped"), false);
            }
            return new Read(flat, done, ParseWarning.at(Kind.MALFORMED_GROUNDING, at,
                    "unexpected '" + (char) ch + "' inside " + what + "; dropped"), true);
        }
        while (!open.isEmpty()) {
            finish(open.pop(), done);
        }
        done.sort(Comparator.comparingInt(g -> g.get(0).at()));
        return new Read(flat, done, null, false);
    }

    private static void finish(List<Num> group, List<List<Num>> done) {
        if (!group.isEmpty()) {
            done.add(List.copyOf(group));
        }
    }

    /** Parses a decimal as {@link Cursor#readDecimal()} returns it; a run of digits too long for a double saturates. */
    static double parse(String d) {
        double v = Double.parseDouble(d.endsWith(".") ? d + "0" : d);
        return Double.isInfinite(v) ? Math.copySign(Double.MAX_VALUE, v) : v;
    }
}
