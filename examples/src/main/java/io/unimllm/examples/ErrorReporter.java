package io.unimllm.examples;

import ai.djl.engine.EngineException;
import io.unimllm.protocol.UnimllmException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every error of a command into one line on stderr and an exit code: {@link #USAGE} for a command line that
 * cannot be parsed or an option value the command refuses, {@link #FAILURE} for everything else. The stack trace
 * follows only with {@code --debug}. Typed errors (the library's {@link UnimllmException}s, I/O errors, DJL engine
 * errors, {@link CommandFailedException}) print their message; anything else is named by its class, since it is a
 * bug rather than something the user can fix.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
    /** Exit code of a usage error: the command line or an option value is wrong. */
    static final int USAGE = 2;
    /** Exit code of a failure: the command ran and could not do its work. */
    static final int FAILURE = 1;

    private final BooleanSupplier debug;

    /**
     * @param debug whether stack traces are wanted, asked when an error happens (the option may be parsed by then)
     */
    ErrorReporter(BooleanSupplier debug) {
        this.debug = debug;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        CommandLine[] helpOf = {cmd};
        String unknown = unknownOptions(cmd, helpOf);
        String line = unknown != null ? unknown : oneLine(ex.getMessage());
        report(cmd, line + " (see '" + helpOf[0].getCommandSpec().qualifiedName() + " --help')", ex);
        return USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        if (ex instanceof ParameterException p) {
            return handleParseException(p, parsed.originalArgs().toArray(String[]::new));
        }
        report(cmd, describe(ex), ex);
        return FAILURE;
    }

    private void report(CommandLine cmd, String line, Throwable ex) {
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + line);
        if (debug.getAsBoolean()) {
            ex.printStackTrace(err);
        } else if (!typed(ex) && !(ex instanceof ParameterException)) {
            err.println("  (an unexpected error: run again with --debug for the stack trace)");
        }
        err.flush();
    }

    /**
     * One line for an exception: the message of the first typed error in its cause chain (a file error names the
     * file and what went wrong with it), else the class and message of the exception itself.
     *
     * @param ex what the command threw
     * @return a line without line breaks
     */
    static String describe(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FileSystemException f) {
                return oneLine(file(f));
            }
            if (t instanceof UncheckedIOException u && u.getCause() != null) {
                continue;
            }
            if (typed(t) && t.getMessage() != null && !t.getMessage().isBlank()) {
                return oneLine(t.getMessage());
            }
        }
        String message = ex.getMessage();
        return ex.getClass().getName() + (message == null || message.isBlank() ? "" : ": " + oneLine(message));
    }

    private static boolean typed(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnimllmException || t instanceof IOException || t instanceof UncheckedIOException
                    || t instanceof EngineException || t instanceof CommandFailedException) {
                return true;
            }
        }
        return false;
    }

    private static String file(FileSystemException f) {
        String what;
        if (f instanceof NoSuchFileException) {
            what = "no such file or directory";
        } else if (f instanceof AccessDeniedException) {
            what = "permission denied";
        } else if (f instanceof FileAlreadyExistsException) {
            what = "already exists";
        } else if (f instanceof NotDirectoryException) {
            what = "not a directory";
        } else if (f instanceof DirectoryNotEmptyException) {
            what = "directory not empty";
        } else {
            what = f.getReason() != null ? f.getReason() : "cannot be used";
        }
        String name = f.getFile() != null ? f.getFile() : "(unnamed file)";
        return name + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + what;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * The unknown options of this command line and of the commands above it, each with the options it is probably
     * a typo of; null when there are none. Reported before a missing required option, which a typo usually causes.
     * {@code helpOf[0]} becomes the command whose help lists the options meant.
     */
    private static String unknownOptions(CommandLine cmd, CommandLine[] helpOf) {
        if (!cmd.getCommandSpec().subcommands().isEmpty()) {
            // a word where a command was expected: the options after it were meant for that command
            for (String arg : cmd.getUnmatchedArguments()) {
                if (!arg.startsWith("-")) {
                    List<String> close = closest(arg, cmd.getCommandSpec().subcommands().keySet());
                    return "unknown command '" + arg + "'"
                            + (close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?");
                }
            }
        }
        List<String> parts = new ArrayList<>();
        for (CommandLine c = cmd; c != null; c = c.getParent()) {
            for (String arg : c.getUnmatchedArguments()) {
                if (arg.startsWith("-") && arg.length() > 1 && !arg.equals("--")) {
                    String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                    List<String> close = suggestions(c, name);
                    String where = c == cmd ? "" : " of '" + c.getCommandSpec().qualifiedName() + "'";
                    helpOf[0] = c;
                    parts.add("unknown option '" + name + "'" + where
                            + (close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?"));
                }
            }
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    private static List<String> suggestions(CommandLine cmd, String name) {
        Set<String> names = new LinkedHashSet<>();
        for (OptionSpec o : cmd.getCommandSpec().options()) {
            if (!o.hidden()) {
                names.addAll(List.of(o.names()));
            }
        }
        List<String> close = closest(name, names);
        if (close.isEmpty()) {
            // picocli's own guess (shared character pairs), for typos further from the name than two edits
            close = new UnmatchedArgumentException(cmd, List.of(name)).getSuggestions().stream()
                    .limit(2).toList();
        }
        return close;
    }

    /** The candidates within two edits (one for short words) of {@code word}, nearest first, at most two. */
    static List<String> closest(String word, Iterable<String> candidates) {
        String w = word.toLowerCase(Locale.ROOT);
        int limit = w.replaceFirst("^-+", "").length() <= 3 ? 1 : 2;
        List<String> hits = new ArrayList<>();
        for (String c : candidates) {
            if (distance(w, c.toLowerCase(Locale.ROOT)) <= limit) {
                hits.add(c);
            }
        }
        hits.sort(Comparator.comparingInt(c -> distance(w, c.toLowerCase(Locale.ROOT))));
        return hits.stream().limit(2).map(c -> "'" + c + "'").toList();
    }

    /** Edit distance with adjacent transpositions (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
