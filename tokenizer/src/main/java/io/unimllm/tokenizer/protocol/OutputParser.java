package io.unimllm.tokenizer.protocol;

import io.unimllm.geometry.Grounding;
import io.unimllm.tokenizer.codec.GroundingCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns a model's answer into {@link Segment}s: text spans, {@link TaskCall}s and free groundings.
 *
 * <p>Grammar (unimllm protocol; regions in the configured codec's dialect):
 * <pre>
 * answer    = { text | task | region }
 * task      = TASK_TOKEN [ arguments ] "&lt;/task&gt;" { ws region }
 * region    = codec-specific, e.g. "&lt;box&gt;" int "," int "," int "," int "&lt;/box&gt;"
 * </pre>
 * Lenient outcomes, each with a {@link ParseWarning} (strict mode throws {@link ProtocolException} instead):
 * an unknown task token ({@code <task_xyz>}) and its arguments and regions are dropped; a task whose arguments are
 * not closed by {@code </task>} ends at the next region or task; malformed regions are repaired or dropped by the
 * codec; a construct cut off at the end of a finished answer (max length reached) is dropped.
 *
 * <p>Use {@link #feed} + {@link #finish} on a token stream (pieces as the detokenizer emits them, special tokens
 * written out) or {@link #parse(String)} on a finished answer; both give the same result.
 */
public final class OutputParser {
    private static final String TASK_PREFIX = "<task_";

    private final TaskVocabulary vocabulary;
    private final GroundingCodec codec;
    private final boolean strict;
    private final int width;
    private final int height;
    private final StringBuilder text = new StringBuilder();
    private final TreeMap<Integer, Integer> tokenAt = new TreeMap<>();
    private Map<Integer, float[]> hidden = Map.of();

    /**
     * @param width width of the original image (regions are decoded into its pixel space)
     * @param height height of the original image
     */
    public OutputParser(TaskVocabulary vocabulary, GroundingCodec codec, boolean strict, int width, int height) {
        this.vocabulary = vocabulary;
        this.codec = codec;
        this.strict = strict;
        this.width = width;
        this.height = height;
    }

    /** Appends the decoded text of generated token {@code tokenIndex} (may be empty). */
    public OutputParser feed(int tokenIndex, String piece) {
        if (!piece.isEmpty()) {
            tokenAt.put(text.length(), tokenIndex);
            text.append(piece);
        }
        return this;
    }

    /** Hidden states of kept tokens by generated-token index, attached to the task calls they belong to. */
    public OutputParser hiddenStates(Map<Integer, float[]> byTokenIndex) {
        this.hidden = Map.copyOf(byTokenIndex);
        return this;
    }

    /** What is complete so far: constructs still open at the end are left out (not reported as errors). */
    public ParsedOutput snapshot() {
        return parse(text.toString(), false);
    }

    /** Parses everything fed, treating the answer as finished. */
    public ParsedOutput finish() {
        return parse(text.toString(), true);
    }

    /** Parses a finished answer. */
    public ParsedOutput parse(String answer) {
        return parse(answer, true);
    }

    private ParsedOutput parse(String s, boolean finished) {
        List<Segment> out = new ArrayList<>();
        List<ParseWarning> warnings = new ArrayList<>();
        int end = s.length();
        if (!finished) {
            end = Math.min(end, pendingTail(s));
        }
        int i = 0;
        while (i < end) {
            int task = s.indexOf(TASK_PREFIX, i);
            if (task >= end) {
                task = -1;
            }
            int stop = task < 0 ? end : task;
            i = regionsAndText(s, i, stop, out, warnings, finished || stop < end);
            if (task < 0) {
                break;
            }
            int close = s.indexOf('>', task);
            if (close < 0 || close >= end) {
                if (finished) {
                    warn(warnings, new ParseWarning("task token cut off at the end of the answer; dropped", task));
                }
                break;
            }
            String token = s.substring(task, close + 1);
            Optional<String> type = vocabulary.taskType(token);
            int argsStart = close + 1;
            int argsEnd = s.indexOf(TaskVocabulary.END, argsStart);
            int nextTask = s.indexOf(TASK_PREFIX, argsStart);
            int firstRegion = firstRegion(s, argsStart);
            int bound = minPositive(nextTask, firstRegion, end);
            int after;
            String args;
            if (argsEnd >= 0 && argsEnd < bound) {
                args = s.substring(argsStart, argsEnd);
                after = argsEnd + TaskVocabulary.END.length();
            } else {
                if (!finished && bound == end) {
                    break; // arguments still being generated
                }
                warn(warnings, new ParseWarning("arguments of " + token + " not closed by </task>; ended at the next "
                        + "region, task or end of answer", task));
                args = s.substring(argsStart, bound);
                after = bound;
            }
            List<Grounding> groundings = new ArrayList<>();
            int j = after;
            while (true) {
                int k = skipSpace(s, j);
                if (k >= end || !startsRegion(s, k)) {
                    break;
                }
                GroundingCodec.Scan scan = codec.scan(s.substring(k, end), width, height, finished);
                if (scan.matches().isEmpty() || scan.matches().get(0).start() != 0) {
                    scan.warnings().forEach(w -> warn(warnings, shift(w, k)));
                    j = scan.matches().isEmpty() ? (scan.pendingFrom() + k) : k + scan.matches().get(0).start();
                    if (scan.matches().isEmpty()) {
                        break;
                    }
                    continue;
                }
                GroundingCodec.Match m = scan.matches().get(0);
                for (ParseWarning w : scan.warnings()) {
                    if (w.offset() < m.end()) {
                        warn(warnings, shift(w, k));
                    }
                }
                groundings.add(m.grounding());
                j = k + m.end();
            }
            if (type.isPresent()) {
                int tokenIndex = tokenIndex(task);
                out.add(new TaskCall(type.get(), args.strip(), groundings,
                        Optional.ofNullable(hidden.get(tokenIndex)), tokenIndex));
            } else {
                warn(warnings, new ParseWarning("unknown task token " + token + " (known: " + vocabulary.tokens()
                        + "); the task and its " + groundings.size() + " region(s) dropped", task));
            }
            i = j;
        }
        return new ParsedOutput(out, warnings);
    }

    /** Emits text and free regions in {@code [from, to)}; returns {@code to}. */
    private int regionsAndText(String s, int from, int to, List<Segment> out, List<ParseWarning> warnings,
            boolean complete) {
        if (from >= to) {
            return to;
        }
        String part = s.substring(from, to);
        GroundingCodec.Scan scan = codec.scan(part, width, height, complete);
        int cursor = 0;
        for (GroundingCodec.Match m : scan.matches()) {
            text(part.substring(cursor, m.start()), out);
            out.add(new FreeGrounding(m.grounding()));
            cursor = m.end();
        }
        text(part.substring(cursor, Math.min(part.length(), scan.pendingFrom())), out);
        scan.warnings().forEach(w -> warn(warnings, shift(w, from)));
        return to;
    }

    private static void text(String t, List<Segment> out) {
        String stripped = t.replace(TaskVocabulary.END, " ").strip();
        if (!stripped.isEmpty()) {
            out.add(new TextSpan(stripped.replaceAll("\\s+", " ")));
        }
    }

    private boolean startsRegion(String s, int k) {
        GroundingCodec.Scan scan = codec.scan(s.substring(k, Math.min(s.length(), k + 64)), width, height, false);
        return (!scan.matches().isEmpty() && scan.matches().get(0).start() == 0) || scan.pendingFrom() == 0
                || s.startsWith("<", k) && !s.startsWith(TASK_PREFIX, k) && !s.startsWith(TaskVocabulary.END, k)
                && looksLikeRegionTag(s, k);
    }

    private static boolean looksLikeRegionTag(String s, int k) {
        return s.startsWith("<box>", k) || s.startsWith("<point>", k) || s.startsWith("<loc", k)
                || s.startsWith("<ref>", k) || s.startsWith("<object>", k) || s.startsWith("<phrase>", k);
    }

    private int firstRegion(String s, int from) {
        int best = -1;
        for (String t : new String[] {"<box>", "<point>", "<loc", "<ref>", "<object>", "<phrase>"}) {
            int i = s.indexOf(t, from);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private static int minPositive(int a, int b, int c) {
        int m = c;
        if (a >= 0) {
            m = Math.min(m, a);
        }
        if (b >= 0) {
            m = Math.min(m, b);
        }
        return m;
    }

    private static int skipSpace(String s, int j) {
        while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
            j++;
        }
        return j;
    }

    /** Start of a construct cut off at the end (a partial tag), or the length. */
    private static int pendingTail(String s) {
        int lt = s.lastIndexOf('<');
        if (lt >= 0 && s.indexOf('>', lt) < 0) {
            return lt;
        }
        return s.length();
    }

    private int tokenIndex(int charOffset) {
        Map.Entry<Integer, Integer> e = tokenAt.floorEntry(charOffset);
        return e == null ? -1 : e.getValue();
    }

    private static ParseWarning shift(ParseWarning w, int by) {
        return new ParseWarning(w.message(), w.offset() + by);
    }

    private void warn(List<ParseWarning> warnings, ParseWarning w) {
        if (strict) {
            throw new ProtocolException(w);
        }
        warnings.add(w);
    }
}
