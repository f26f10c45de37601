package io.unimllm.protocol.parse;

import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.FreeGrounding;
import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.protocol.ProtocolException;
import io.unimllm.protocol.Segment;
import io.unimllm.protocol.TaskCall;
import io.unimllm.protocol.TaskVocabulary;
import io.unimllm.protocol.TextSpan;
import io.unimllm.protocol.codec.GroundingCodec;
import io.unimllm.protocol.codec.ScanResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a model's generated text into text spans, {@link TaskCall}s and free groundings, following unimllm's task
 * protocol (docs/protocol.md) with groundings in one {@link GroundingCodec}'s dialect.
 *
 * <p>Streaming: call {@link #feed(int, String)} with each generated token's decoded piece (special tokens appear
 * verbatim, e.g. {@code "<task_seg>"}), then {@link #finish()}. The parser is a hand-written scanner that decides
 * nothing before it has seen enough text, so any split of the same text into pieces yields the same
 * {@link ParsedOutput} as {@link #parse(String)}. A task's groundings are those inside it and those right after
 * its {@code </task>} (whitespace between), so its {@link TaskCall} is emitted when the next other character
 * arrives. In strict mode the {@link ProtocolException} is thrown by the {@code feed} call that reveals the
 * problem. A parser holds one answer's state: not thread-safe; it resets after {@link #finish()}, and after a
 * {@link ProtocolException} it must be {@link #reset()}.
 *
 * <p>Hidden-state slots: the slot tokens the vocabulary declares for a task token ({@link TaskVocabulary#slots})
 * are taken out of the task's arguments into {@link TaskCall#slots()}, each with the hidden state of its own token
 * (given to {@code feed} or {@link #hiddenStates(Map)}); a slot token elsewhere, or missing, is a warning
 * (docs/protocol.md, "Hidden-state slots").
 */
public final class OutputParser {
    private final GroundingCodec codec;
    private final TaskVocabulary vocabulary;
    private final int imageWidth;
    private final int imageHeight;
    private final ParserOptions options;
    private final String startChars;
    private final List<String> literals;

    // One answer's state.
    private final StringBuilder buf = new StringBuilder();
    private final List<Integer> pieceStarts = new ArrayList<>();
    private final List<Integer> pieceTokens = new ArrayList<>();
    private final Map<Integer, float[]> hidden = new HashMap<>();
    private final List<Segment> segments = new ArrayList<>();
    private final List<ParseWarning> warnings = new ArrayList<>();
    private final StringBuilder pendingText = new StringBuilder();
    private int pos;
    private OpenTask task;
    private boolean inUnknownTask;

    private static final class OpenTask {
        final String type;
        final int tokenIndex;
        /** The slot tokens the vocabulary declares for the task token, in order. */
        final List<String> expectedSlots;
        final List<TaskCall.Slot> slots = new ArrayList<>();
        final StringBuilder args = new StringBuilder();
        final List<Grounding> groundings = new ArrayList<>();
        /** Whitespace after {@code </task>} while regions written right after it may still follow. */
        final StringBuilder trailing = new StringBuilder();
        int argsSinceGrounding;
        boolean ended;

        OpenTask(String type, int tokenIndex, List<String> expectedSlots) {
            this.type = type;
            this.tokenIndex = tokenIndex;
            this.expectedSlots = expectedSlots;
        }
    }

    /**
     * A lenient parser for an image of the given size.
     *
     * @param codec the grounding dialect
     * @param vocabulary the task tokens
     * @param imageWidth the original image's width in pixels
     * @param imageHeight the original image's height in pixels
     */
    public OutputParser(GroundingCodec codec, TaskVocabulary vocabulary, int imageWidth, int imageHeight) {
        this(codec, vocabulary, imageWidth, imageHeight, ParserOptions.defaults());
    }

    /**
     * A parser for answers about an image of {@code imageWidth x imageHeight} pixels (the original image, which the
     * groundings are decoded into). Every constructor takes the codec, then the vocabulary, then the image size.
     *
     * @param codec the grounding dialect
     * @param vocabulary the task tokens
     * @param imageWidth the original image's width in pixels
     * @param imageHeight the original image's height in pixels
     * @param options strictness and the other parsing options
     */
    public OutputParser(GroundingCodec codec, TaskVocabulary vocabulary, int imageWidth, int imageHeight,
            ParserOptions options) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        this.options = Objects.requireNonNull(options, "options");
        if (imageWidth <= 0 || imageHeight <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + imageWidth + "x" + imageHeight);
        }
        this.imageWidth = imageWidth;
        this.imageHeight = imageHeight;
        StringBuilder sc = new StringBuilder(codec.startChars()).append('<');
        List<String> lits = new ArrayList<>(vocabulary.tokens());
        lits.add(TaskVocabulary.TASK_END);
        lits.addAll(vocabulary.slotTokens());
        for (String t : lits) {
            sc.append(t.charAt(0));
        }
        this.startChars = sc.toString();
        this.literals = List.copyOf(lits);
    }

    /**
     * Parses a complete answer, forgetting any answer fed so far.
     *
     * @param fullText the whole generated text
     * @return the parsed answer; token indices in it are -1 (unknown)
     * @throws ProtocolException in strict mode, on the first protocol violation
     */
    public ParsedOutput parse(String fullText) {
        reset();
        feed(-1, fullText);
        return finish();
    }

    /**
     * Parses a complete answer given as its generated pieces, forgetting any answer fed so far.
     *
     * @param pieces the decoded text of each generated token; piece {@code i} is token {@code i}
     * @param hiddenStatesByTokenIndex last-layer hidden states by token index (may be null or miss tokens); a task
     *     call gets the one of its task token
     * @return the parsed answer
     * @throws ProtocolException in strict mode, on the first protocol violation
     */
    public ParsedOutput parse(List<String> pieces, Map<Integer, float[]> hiddenStatesByTokenIndex) {
        reset();
        for (int i = 0; i < pieces.size(); i++) {
            float[] h = hiddenStatesByTokenIndex == null ? null : hiddenStatesByTokenIndex.get(i);
            feed(i, pieces.get(i), h);
        }
        return finish();
    }

    /**
     * Feeds one generated token's text.
     *
     * @param tokenIndex the token's index in the generated sequence (-1 when unknown), used in warnings and task calls
     * @param piece the token's decoded text, special tokens verbatim
     * @return the segments this piece completed, in output order (possibly none)
     * @throws ProtocolException in strict mode, on the first protocol violation
     */
    public List<Segment> feed(int tokenIndex, String piece) {
        return feed(tokenIndex, piece, null);
    }

    /**
     * Feeds one generated token's text with its last-layer hidden state.
     *
     * @param tokenIndex the token's index in the generated sequence (-1 when unknown), used in warnings and task calls
     * @param piece the token's decoded text, special tokens verbatim
     * @param hiddenState the token's hidden state, kept for the task call whose task token this is; may be null
     * @return the segments this piece completed, in output order (possibly none)
     * @throws ProtocolException in strict mode, on the first protocol violation
     */
    public List<Segment> feed(int tokenIndex, String piece, float[] hiddenState) {
        Objects.requireNonNull(piece, "piece");
        if (hiddenState != null) {
            hidden.put(tokenIndex, hiddenState);
        }
        if (piece.isEmpty()) {
            return List.of();
        }
        pieceStarts.add(buf.length());
        pieceTokens.add(tokenIndex);
        buf.append(piece);
        int before = segments.size();
        run(false);
        return List.copyOf(segments.subList(before, segments.size()));
    }

    /**
     * Hidden states by generated-token index, for when they are known only after generation: {@link #finish()}
     * attaches each task token's state to its task call (segments already returned by {@code feed} are not changed).
     *
     * @param byTokenIndex last-layer hidden states by token index; added to those already given
     * @return this parser
     */
    public OutputParser hiddenStates(Map<Integer, float[]> byTokenIndex) {
        hidden.putAll(byTokenIndex);
        return this;
    }

    /**
     * Ends the answer: decides what was left undecided, closes an open task, and returns the whole result. The
     * parser is then ready for the next answer.
     *
     * @return every segment and warning of the answer, with the hidden states known by now attached to task calls
     * @throws ProtocolException in strict mode, on the first protocol violation
     */
    public ParsedOutput finish() {
        run(true);
        if (task != null && task.ended) {
            endTask();
        } else if (task != null) {
            warn(Kind.UNTERMINATED_TASK, buf.length(), "output ends inside task " + task.type
                    + " before " + TaskVocabulary.TASK_END + "; closed at the end");
            checkSlots(buf.length());
            closeTask();
        }
        flushText();
        List<Segment> withHidden = new ArrayList<>(segments.size());
        for (Segment seg : segments) {
            if (seg instanceof TaskCall t) {
                seg = withKnownStates(t);
            }
            withHidden.add(seg);
        }
        ParsedOutput out = new ParsedOutput(withHidden, warnings);
        reset();
        return out;
    }

    /** The task call with the hidden states known by now attached to its task token and its slots. */
    private TaskCall withKnownStates(TaskCall t) {
        Optional<float[]> h = t.hiddenState().isPresent() ? t.hiddenState()
                : Optional.ofNullable(hidden.get(t.tokenIndex()));
        boolean changed = h.isPresent() != t.hiddenState().isPresent();
        List<TaskCall.Slot> slots = new ArrayList<>(t.slots().size());
        for (TaskCall.Slot s : t.slots()) {
            float[] state = s.hiddenState().isEmpty() ? hidden.get(s.tokenIndex()) : null;
            if (state != null) {
                s = s.withHiddenState(state);
                changed = true;
            }
            slots.add(s);
        }
        return changed ? new TaskCall(t.taskType(), t.arguments(), t.groundings(), h, t.tokenIndex(), slots) : t;
    }

    /** Forgets the current answer, hidden states included; needed after a {@link ProtocolException}. */
    public void reset() {
        buf.setLength(0);
        pieceStarts.clear();
        pieceTokens.clear();
        hidden.clear();
        segments.clear();
        warnings.clear();
        pendingText.setLength(0);
        pos = 0;
        task = null;
        inUnknownTask = false;
    }

    // ---- scanning ----

    private static final int NO = -1;
    private static final int NEED_MORE = -2;
    private static final int TRUNCATED = -3;

    private void run(boolean eoi) {
        int len = buf.length();
        while (pos < len) {
            char ch = buf.charAt(pos);
            if (task != null && task.ended) {
                // regions right after </task> (only whitespace between) still belong to the task
                if (Character.isWhitespace(ch)) {
                    task.trailing.append(ch);
                    pos++;
                    continue;
                }
                if (codec.startChars().indexOf(ch) >= 0) {
                    ScanResult r = codec.scan(buf, pos, eoi, imageWidth, imageHeight);
                    if (r instanceof ScanResult.NeedMore) {
                        return;
                    }
                    if (r instanceof ScanResult.Match m && m.end() > pos) {
                        task.trailing.setLength(0);
                        onGroundings(m, pos);
                        pos = m.end();
                        continue;
                    }
                }
                endTask();
            }
            if (startChars.indexOf(ch) < 0) {
                text(ch);
                pos++;
                continue;
            }
            // 1. a task token or </task> from the vocabulary (longest match)
            String lit = null;
            boolean undecided = false;
            for (String l : literals) {
                int m = matchLiteral(l, pos, eoi);
                if (m == NEED_MORE) {
                    undecided = true;
                } else if (m > 0 && (lit == null || l.length() > lit.length())) {
                    lit = l;
                }
            }
            if (undecided) {
                return;
            }
            if (lit != null) {
                onLiteral(lit, pos);
                pos += lit.length();
                continue;
            }
            // 2. something shaped like a task token that the vocabulary does not know
            int u = matchUnknownTask(pos, eoi);
            if (u == NEED_MORE) {
                return;
            }
            if (u > 0) {
                onUnknownTask(pos, u);
                pos = u;
                continue;
            }
            if (u == TRUNCATED || truncatedLiteral(pos, eoi)) {
                warn(Kind.TRUNCATED_TOKEN, pos, "output ends inside a special token ('" + buf.substring(pos)
                        + "'); dropped");
                pos = len;
                return;
            }
            // 3. a grounding in the codec's dialect
            if (codec.startChars().indexOf(ch) >= 0) {
                ScanResult r = codec.scan(buf, pos, eoi, imageWidth, imageHeight);
                if (r instanceof ScanResult.NeedMore) {
                    return;
                }
                if (r instanceof ScanResult.Match m && m.end() > pos) { // a codec must consume to match
                    onGroundings(m, pos);
                    pos = m.end();
                    continue;
                }
            }
            text(ch);
            pos++;
        }
    }

    /** End of {@code literal} matched at {@code at}, {@link #NO}, or {@link #NEED_MORE}. */
    private int matchLiteral(String literal, int at, boolean eoi) {
        int len = buf.length();
        for (int i = 0; i < literal.length(); i++) {
            if (at + i >= len) {
                return eoi ? NO : NEED_MORE;
            }
            if (buf.charAt(at + i) != literal.charAt(i)) {
                return NO;
            }
        }
        return at + literal.length();
    }

    private boolean truncatedLiteral(int at, boolean eoi) {
        if (!eoi) {
            return false;
        }
        String rest = buf.substring(at);
        for (String l : literals) {
            if (rest.length() < l.length() && l.startsWith(rest)) {
                return true;
            }
        }
        return false;
    }

    /** {@code <task_[A-Za-z0-9_]*>}: its end, {@link #NO}, {@link #NEED_MORE} or {@link #TRUNCATED}. */
    private int matchUnknownTask(int at, boolean eoi) {
        String prefix = "<task_";
        int len = buf.length();
        int i = at;
        for (int k = 0; k < prefix.length(); k++, i++) {
            if (i >= len) {
                return eoi ? TRUNCATED : NEED_MORE;
            }
            if (buf.charAt(i) != prefix.charAt(k)) {
                return NO;
            }
        }
        while (true) {
            if (i >= len) {
                return eoi ? TRUNCATED : NEED_MORE;
            }
            char c = buf.charAt(i);
            if (c == '>') {
                return i + 1;
            }
            if (!(Character.isLetterOrDigit(c) || c == '_')) {
                return NO;
            }
            i++;
        }
    }

    // ---- events ----

    private void onLiteral(String lit, int at) {
        if (lit.equals(TaskVocabulary.TASK_END)) {
            if (task != null) {
                checkSlots(at);
                task.ended = true;
            } else if (inUnknownTask) {
                inUnknownTask = false; // the unknown task token was already reported
            } else {
                warn(Kind.STRAY_TASK_END, at, TaskVocabulary.TASK_END + " without an open task; dropped");
            }
            return;
        }
        Optional<String> type = vocabulary.taskType(lit);
        if (type.isEmpty()) {
            onSlot(lit, at);
            return;
        }
        if (task != null) {
            warn(Kind.NESTED_TASK, at, "task token " + lit + " inside task " + task.type + "; closed "
                    + task.type + " first");
            checkSlots(at);
            closeTask();
        }
        inUnknownTask = false;
        flushText();
        task = new OpenTask(type.get(), tokenAt(at), vocabulary.slots(lit));
    }

    /** A slot token: the next one the open task expects is its slot; any other is dropped with a warning. */
    private void onSlot(String slot, int at) {
        if (task != null && task.slots.size() < task.expectedSlots.size()
                && task.expectedSlots.get(task.slots.size()).equals(slot)) {
            int index = tokenAt(at);
            task.slots.add(new TaskCall.Slot(slot, index, Optional.ofNullable(hidden.get(index))));
            // keep words on both sides of a removed slot token apart
            if (!task.args.isEmpty() && !Character.isWhitespace(task.args.charAt(task.args.length() - 1))) {
                task.args.append(' ');
            }
            return;
        }
        String where = task == null ? "outside a task"
                : task.slots.size() < task.expectedSlots.size() ? "in task " + task.type + ", which expects "
                        + task.expectedSlots.get(task.slots.size()) + " next (slots " + task.expectedSlots + ")"
                : "in task " + task.type + ", which has " + (task.expectedSlots.isEmpty() ? "no slots"
                        : "all its slots " + task.expectedSlots + " already");
        warn(Kind.STRAY_SLOT_TOKEN, at, "slot token " + slot + " " + where + "; dropped");
    }

    /** Warns when the open task ends (at {@code at}) before the model wrote all its slot tokens. */
    private void checkSlots(int at) {
        int have = task.slots.size();
        if (have < task.expectedSlots.size()) {
            warn(Kind.MISSING_SLOT_TOKENS, at, "task " + task.type + " ends with " + have + " of its "
                    + task.expectedSlots.size() + " slot tokens " + task.expectedSlots + "; kept with "
                    + (have == 0 ? "none" : task.expectedSlots.subList(0, have).toString()));
        }
    }

    private void onUnknownTask(int at, int end) {
        String token = buf.substring(at, end);
        warn(Kind.UNKNOWN_TASK_TOKEN, at, "unknown task token " + token + " (vocabulary: " + vocabulary.tokens()
                + "); dropped the token, its arguments stay text");
        if (task == null) {
            inUnknownTask = true;
        }
    }

    private void onGroundings(ScanResult.Match m, int at) {
        for (ParseWarning w : m.warnings()) {
            warn(w.withTokenIndex(tokenAt(w.charIndex())));
        }
        String label = "";
        if (m.labelFromPrecedingText() && !m.groundings().isEmpty()) {
            if (task != null) {
                label = task.args.substring(task.argsSinceGrounding).strip();
            } else {
                label = pendingText.toString().strip();
                if (!label.isEmpty()) {
                    pendingText.setLength(0);
                }
            }
        }
        for (Grounding g : m.groundings()) {
            Grounding labelled = label.isEmpty() || g.label().isPresent() ? g : Grounding.of(g.geometry(), label);
            if (task != null) {
                task.groundings.add(labelled);
            } else {
                flushText();
                segments.add(new FreeGrounding(labelled));
            }
        }
        if (task != null) {
            // keep words on both sides of a removed grounding apart
            if (!task.args.isEmpty() && !Character.isWhitespace(task.args.charAt(task.args.length() - 1))) {
                task.args.append(' ');
            }
            task.argsSinceGrounding = task.args.length();
        }
    }

    private void text(char ch) {
        if (task != null) {
            task.args.append(ch);
        } else {
            pendingText.append(ch);
        }
    }

    private void flushText() {
        if (!pendingText.isEmpty()) {
            segments.add(new TextSpan(pendingText.toString()));
            pendingText.setLength(0);
        }
    }

    /** Emits a task closed by {@code </task>}; the whitespace after it goes back to the text. */
    private void endTask() {
        String ws = task.trailing.toString();
        closeTask();
        pendingText.append(ws);
    }

    private void closeTask() {
        OpenTask t = task;
        task = null;
        Optional<float[]> h = Optional.ofNullable(hidden.get(t.tokenIndex));
        List<TaskCall.Slot> slots = new ArrayList<>(t.slots.size());
        for (TaskCall.Slot s : t.slots) {
            float[] state = s.hiddenState().isEmpty() ? hidden.get(s.tokenIndex()) : null;
            slots.add(state == null ? s : s.withHiddenState(state));
        }
        segments.add(new TaskCall(t.type, normaliseSpaces(t.args), t.groundings, h, t.tokenIndex, slots));
    }

    /** Trims and collapses whitespace runs to one space (a removed grounding leaves a seam). */
    private static String normaliseSpaces(CharSequence s) {
        StringBuilder sb = new StringBuilder();
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
            } else {
                if (space && !sb.isEmpty()) {
                    sb.append(' ');
                }
                space = false;
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private int tokenAt(int charIndex) {
        int lo = 0;
        int hi = pieceStarts.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (pieceStarts.get(mid) <= charIndex) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? -1 : pieceTokens.get(found);
    }

    private void warn(Kind kind, int charIndex, String message) {
        warn(new ParseWarning(kind, message, charIndex, tokenAt(charIndex)));
    }

    private void warn(ParseWarning w) {
        if (options.isStrict()) {
            throw new ProtocolException(w);
        }
        warnings.add(w);
    }
}
