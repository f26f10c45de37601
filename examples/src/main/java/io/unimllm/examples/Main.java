package io.unimllm.examples;

import io.unimllm.examples.bench.BenchCommand;
import java.io.Console;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code unimllm} command line: ask, bench, eval, inspect, train. Every error is one line on stderr (the stack
 * trace only with {@code --debug}) and exit code 2 for a usage error, 1 for a failure (see {@link ErrorReporter}).
 */
@Command(name = "unimllm", mixinStandardHelpOptions = true, version = "unimllm 0.1.0",
        description = "Task-routing multimodal LLM runtime for the JVM.",
        subcommands = {AskCommand.class, BenchCommand.class, EvalCommand.class, InspectCommand.class, ServeCommand.class,
                TrainCommand.class})
public final class Main implements Runnable {
    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "print the stack trace of an error, not just its one-line message")
    boolean debug;

    @Option(names = "--progress", negatable = true, scope = ScopeType.INHERIT,
            description = "draw progress bars on stderr (default: only when run from a terminal)")
    Boolean progress;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * Whether to draw progress bars: as {@code --progress} / {@code --no-progress} say, else only when stderr is a
     * terminal (not a pipe, a file or a test harness). The launcher script tells that with the system property
     * {@value #STDERR_TERMINAL}; without it (a plain {@code java} command line) the JVM's console is asked, which
     * exists only when stdin and stdout are terminals too.
     *
     * @return true to draw them
     */
    public boolean progress() {
        if (progress != null) {
            return progress;
        }
        String terminal = System.getProperty(STDERR_TERMINAL);
        return terminal != null ? Boolean.parseBoolean(terminal) : interactiveConsole();
    }

    /** System property by which the launcher says whether stderr is a terminal ({@code true} or {@code false}). */
    public static final String STDERR_TERMINAL = "unimllm.stderr.terminal";

    private static boolean interactiveConsole() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22 and later have a console even when redirected, and say whether it is a terminal
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /**
     * Whether {@code --debug} was given.
     *
     * @return true to print stack traces
     */
    public boolean debug() {
        return debug;
    }

    /**
     * The command line with its error handling: one line per error, exit codes 2 (usage) and 1 (failure).
     *
     * @return a fresh command line for one execution
     */
    public static CommandLine commandLine() {
        Main main = new Main();
        ErrorReporter errors = new ErrorReporter(main::debug);
        return new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true).setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
