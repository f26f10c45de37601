package io.unimllm.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The Python {@code str} methods that Hugging Face chat templates call, for {@link JinjaChatTemplate}. */
final class PythonStr {
    private PythonStr() {
    }

    /**
     * Calls a Python string method.
     *
     * @param s the string
     * @param method the method name
     * @param args the arguments
     * @return the result, or empty if this is not a supported method with these arguments
     */
    static Optional<Object> call(String s, String method, Object[] args) {
        String a0 = args.length > 0 && args[0] != null ? args[0].toString() : null;
        String a1 = args.length > 1 && args[1] != null ? args[1].toString() : null;
        Object r = switch (method + "/" + args.length) {
            case "strip/0" -> s.strip();
            case "lstrip/0" -> s.stripLeading();
            case "rstrip/0" -> s.stripTrailing();
            case "strip/1" -> a0 == null ? s.strip() : rstrip(lstrip(s, a0), a0);
            case "lstrip/1" -> a0 == null ? s.stripLeading() : lstrip(s, a0);
            case "rstrip/1" -> a0 == null ? s.stripTrailing() : rstrip(s, a0);
            case "startswith/1" -> a0 != null && s.startsWith(a0);
            case "endswith/1" -> a0 != null && s.endsWith(a0);
            case "split/1" -> a0 == null ? List.of(s.strip().split("\\s+")) : split(s, a0);
            case "split/0" -> s.isBlank() ? List.of() : List.of(s.strip().split("\\s+"));
            case "upper/0" -> s.toUpperCase(Locale.ROOT);
            case "lower/0" -> s.toLowerCase(Locale.ROOT);
            case "title/0" -> title(s);
            case "capitalize/0" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT)
                    + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace/2" -> a0 == null || a1 == null ? null : s.replace(a0, a1);
            default -> null;
        };
        return Optional.ofNullable(r);
    }

    private static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return s.substring(i);
    }

    private static String rstrip(String s, String chars) {
        int i = s.length();
        while (i > 0 && chars.indexOf(s.charAt(i - 1)) >= 0) {
            i--;
        }
        return s.substring(0, i);
    }

    private static List<String> split(String s, String sep) {
        if (sep.isEmpty()) {
            throw new TokenizerException("chat template called split with an empty separator");
        }
        List<String> out = new ArrayList<>();
        int at = 0;
        for (int i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, at)) {
            out.add(s.substring(at, i));
            at = i + sep.length();
        }
        out.add(s.substring(at));
        return out;
    }

    private static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            b.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetter(c);
        }
        return b.toString();
    }
}
