package io.unimllm.protocol.codec;

import io.unimllm.protocol.ParseWarning.Kind;
import io.unimllm.protocol.ParseWarning;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON reader for what language models print: it reads through a {@link Cursor} (so it never decides on a prefix of
 * a streamed answer), keeps every character position, and repairs, with a {@link Kind#REPAIRED_SYNTAX} warning, what
 * models get wrong: a quote inside a string left unescaped ({@code "label": "the "red" car"}), single-quoted strings
 * and bare keys (Python literals), missing or trailing commas. Where it cannot go on (the end of the input, a
 * character no repair explains) it stops and returns the containers read so far, marked incomplete, so complete
 * objects before a cut survive (as Qwen's cookbook does by closing the array after the last complete object).
 */
final class LenientJson {
    sealed interface Value permits Obj, Arr, Str, Num, Lit {
        int at();
    }

    record Member(String key, Value value, int at) {}

    record Obj(List<Member> members, int at, boolean complete) implements Value {
        Member get(String key) {
            for (Member m : members) {
                if (m.key().equals(key)) {
                    return m;
                }
            }
            return null;
        }
    }

    record Arr(List<Value> items, int at, boolean complete) implements Value {}

    record Str(String value, int at) implements Value {}

    record Num(double value, int at) implements Value {}

    record Lit(String text, int at) implements Value {}

    /** Why reading stopped before the value was complete. */
    enum Stop { NONE, END_OF_INPUT, SYNTAX }

    private final Cursor c;
    private final List<ParseWarning> repairs = new ArrayList<>();
    private Stop stop = Stop.NONE;
    private int stopAt = -1;

    LenientJson(Cursor c) {
        this.c = c;
    }

    Stop stop() {
        return stop;
    }

    /** Where reading stopped, when it did. */
    int stopAt() {
        return stopAt;
    }

    List<ParseWarning> repairs() {
        return repairs;
    }

    /** Deeper nesting than any grounding answer needs is a syntax error (and keeps the reader's stack bounded). */
    static final int MAX_DEPTH = 64;
    private int depth;

    /** Reads one value; null when none could start (see {@link #stop()}). */
    Value value() {
        ws();
        int ch = c.peek();
        if ((ch == '{' || ch == '[') && depth >= MAX_DEPTH) {
            return halt(Stop.SYNTAX);
        }
        if (ch == '{') {
            depth++;
            Obj o = object();
            depth--;
            return o;
        }
        if (ch == '[') {
            depth++;
            Arr a = array();
            depth--;
            return a;
        }
        if (ch == '"' || ch == '\'') {
            return string();
        }
        if ((ch >= '0' && ch <= '9') || ch == '-') {
            return number();
        }
        if (Character.isLetter(ch)) {
            return literal();
        }
        return halt(ch == Cursor.EOF ? Stop.END_OF_INPUT : Stop.SYNTAX);
    }

    private Value halt(Stop why) {
        stop = why;
        stopAt = c.pos;
        return null;
    }

    private void repair(int at, String what) {
        repairs.add(ParseWarning.at(Kind.REPAIRED_SYNTAX, at, "invalid JSON, " + what + "; read anyway"));
    }

    private void ws() {
        int ch;
        while ((ch = c.peek()) == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
            c.pos++;
        }
    }

    private Obj object() {
        int at = c.pos;
        c.pos++;
        List<Member> members = new ArrayList<>();
        boolean afterComma = false;
        while (true) {
            ws();
            int ch = c.peek();
            if (ch == '}') {
                if (afterComma) {
                    repair(c.pos, "a trailing comma before }");
                }
                c.pos++;
                return new Obj(members, at, true);
            }
            if (ch == Cursor.EOF) {
                halt(Stop.END_OF_INPUT);
                return new Obj(members, at, false);
            }
            if (ch == ',') {
                if (members.isEmpty() || afterComma) {
                    repair(c.pos, "a stray comma");
                }
                afterComma = true;
                c.pos++;
                continue;
            }
            int keyAt = c.pos;
            if (!members.isEmpty() && !afterComma) {
                repair(keyAt, "a missing comma between members");
            }
            String key;
            if (ch == '"' || ch == '\'') {
                Str k = string();
                if (k == null) {
                    return new Obj(members, at, false);
                }
                key = k.value();
            } else if (Character.isLetter(ch) || ch == '_') {
                StringBuilder sb = new StringBuilder();
                while (Character.isLetterOrDigit(ch = c.peek()) || ch == '_') {
                    sb.append((char) ch);
                    c.pos++;
                }
                repair(keyAt, "an unquoted key " + sb);
                key = sb.toString();
            } else {
                halt(Stop.SYNTAX);
                return new Obj(members, at, false);
            }
            ws();
            if (c.peek() != ':') {
                halt(c.peek() == Cursor.EOF ? Stop.END_OF_INPUT : Stop.SYNTAX);
                return new Obj(members, at, false);
            }
            c.pos++;
            Value v = value();
            if (stop != Stop.NONE) {
                return new Obj(members, at, false);
            }
            members.add(new Member(key, v, keyAt));
            afterComma = false;
        }
    }

    private Arr array() {
        int at = c.pos;
        c.pos++;
        List<Value> items = new ArrayList<>();
        boolean afterComma = false;
        while (true) {
            ws();
            int ch = c.peek();
            if (ch == ']') {
                if (afterComma) {
                    repair(c.pos, "a trailing comma before ]");
                }
                c.pos++;
                return new Arr(items, at, true);
            }
            if (ch == Cursor.EOF) {
                halt(Stop.END_OF_INPUT);
                return new Arr(items, at, false);
            }
            if (ch == ',') {
                if (items.isEmpty() || afterComma) {
                    repair(c.pos, "a stray comma");
                }
                afterComma = true;
                c.pos++;
                continue;
            }
            if (!items.isEmpty() && !afterComma) {
                repair(c.pos, "a missing comma between items");
            }
            Value v = value();
            if (stop != Stop.NONE) {
                if (v instanceof Obj || v instanceof Arr) {
                    items.add(v); // incomplete, but complete objects inside it still count
                }
                return new Arr(items, at, false);
            }
            items.add(v);
            afterComma = false;
        }
    }

    private Str string() {
        int at = c.pos;
        char q = (char) c.peek();
        c.pos++;
        if (q == '\'') {
            repair(at, "a single-quoted string");
        }
        StringBuilder sb = new StringBuilder();
        boolean repairedQuote = false;
        while (true) {
            int ch = c.peek();
            if (ch == Cursor.EOF) {
                halt(Stop.END_OF_INPUT);
                return null;
            }
            if (ch == '\\') {
                c.pos++;
                int e = c.peek();
                if (e == Cursor.EOF) {
                    halt(Stop.END_OF_INPUT);
                    return null;
                }
                c.pos++;
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> sb.append(unicodeEscape());
                    default -> sb.append((char) e);
                }
                continue;
            }
            if (ch == q) {
                if (endsString()) {
                    c.pos++;
                    return new Str(sb.toString(), at);
                }
                if (!repairedQuote) {
                    repair(c.pos, "an unescaped quote inside a string");
                    repairedQuote = true;
                }
            }
            sb.append((char) ch);
            c.pos++;
        }
    }

    /** Four hex digits after {@code \\u}; when they are not there, the {@code u} stands for itself. */
    private String unicodeEscape() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(c.peek(i), 16);
            if (c.peek(i) == Cursor.EOF || d < 0) {
                return "u";
            }
            v = v * 16 + d;
        }
        c.pos += 4;
        return String.valueOf((char) v);
    }

    /**
     * Whether the quote at the cursor closes the string: it does when what follows (past spaces) is {@code , : } ]},
     * the end of input, or comes after a line break. Otherwise the model forgot to escape it.
     */
    private boolean endsString() {
        int i = 1;
        boolean newline = false;
        int ch;
        while ((ch = c.peek(i)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
            newline |= ch == '\n';
            i++;
        }
        return newline || ch == Cursor.EOF || ch == ',' || ch == ':' || ch == '}' || ch == ']';
    }

    private Num number() {
        int at = c.pos;
        String d = c.readDecimal();
        if (d == null) {
            halt(Stop.SYNTAX);
            return null;
        }
        int e = c.peek();
        if (e == 'e' || e == 'E') {
            int s = c.peek(1);
            int k = (s == '+' || s == '-') ? 2 : 1;
            if (c.peek(k) >= '0' && c.peek(k) <= '9') {
                StringBuilder sb = new StringBuilder(d).append('e');
                c.pos += k;
                if (k == 2) {
                    sb.append((char) s);
                }
                int ch;
                while ((ch = c.peek()) >= '0' && ch <= '9') {
                    sb.append((char) ch);
                    c.pos++;
                }
                d = sb.toString();
            }
        }
        return new Num(NumberLists.parse(d), at);
    }

    private Lit literal() {
        int at = c.pos;
        StringBuilder sb = new StringBuilder();
        int ch;
        while (Character.isLetter(ch = c.peek())) {
            sb.append((char) ch);
            c.pos++;
        }
        String w = sb.toString();
        switch (w) {
            case "true", "false", "null" -> {
                return new Lit(w, at);
            }
            case "True", "False", "None" -> {
                repair(at, "the Python literal " + w);
                return new Lit(w, at);
            }
            default -> {
                c.pos = at;
                halt(Stop.SYNTAX);
                return null;
            }
        }
    }
}
