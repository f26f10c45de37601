package io.unimllm.examples;

import io.unimllm.examples.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code unimllm} command line: ask, bench, inspect. */
@Command(name = "unimllm", mixinStandardHelpOptions = true, version = "unimllm 0.1.0",
        description = "Task-routing multimodal LLM runtime for the JVM.",
        subcommands = {AskCommand.class, BenchCommand.class, EvalCommand.class, InspectCommand.class, TrainCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
