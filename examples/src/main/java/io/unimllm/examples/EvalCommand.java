package io.unimllm.examples;

import io.unimllm.UnifiedMllm;
import io.unimllm.examples.eval.EvaluationReport;
import io.unimllm.examples.eval.ShapesEvaluation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Evaluates a shapes-world checkpoint and prints the metrics table. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate the shapes model on held-out phrasings: task, box, mask, edit and answer metrics.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "models/shapes-tiny", description = "checkpoint (default ${DEFAULT-VALUE})")
    Path model;

    @Option(names = "--samples", defaultValue = "200", description = "samples (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--seed", defaultValue = "2026", description = "seed of the test split (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--train-phrasings", description = "use training phrasings instead of the held-out ones")
    boolean trainPhrasings;

    @Override
    public Integer call() {
        try (UnifiedMllm mllm = UnifiedMllm.builder(model).loadOptions(Progress.loading()).build()) {
            System.err.println();
            EvaluationReport r = ShapesEvaluation.run(mllm, !trainPhrasings, samples, seed, i -> {
                if (i % 10 == 0 || i == samples) {
                    System.err.printf("\r%s %d/%d", Progress.bar(i, samples), i, samples);
                }
            });
            System.err.println();
            System.out.print(r.markdown());
        }
        return 0;
    }
}
