package io.unimllm.examples;

import io.unimllm.UnifiedMllm;
import io.unimllm.shapes.eval.EvaluationReport;
import io.unimllm.shapes.eval.ShapesEvaluation;
import io.unimllm.training.data.JsonlDatasetReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Evaluates a shapes-world checkpoint and prints the metrics table. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate the shapes model on held-out phrasings (or a JSON Lines dataset): task, box, mask, edit "
                + "and answer metrics.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "models/shapes-tiny", description = "checkpoint (default ${DEFAULT-VALUE})")
    Path model;

    @Option(names = "--samples", defaultValue = "200", description = "samples (default ${DEFAULT-VALUE}; with --data, "
            + "0 means every record)")
    int samples;

    @Option(names = "--data", description = "evaluate the records of this JSON Lines dataset (a data.jsonl or its "
            + "directory, e.g. the test part GenerateWorldData writes) instead of generated samples")
    Path data;

    @Option(names = "--seed", defaultValue = "2026", description = "seed of the test split (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--train-phrasings", description = "use training phrasings instead of the held-out ones")
    boolean trainPhrasings;

    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        boolean bars = main.progress();
        try (UnifiedMllm mllm = UnifiedMllm.builder(model).loadOptions(Progress.loading(bars).build()).build()) {
            if (bars) {
                System.err.println();
            }
            int total = data != null && samples <= 0 ? JsonlDatasetReader.readAll(data).size() : samples;
            IntConsumer progress = i -> {
                if (bars && (i % 10 == 0 || i == total)) {
                    System.err.printf("\r%s %d/%d", Progress.bar(i, total), i, total);
                }
            };
            EvaluationReport r = data != null ? ShapesEvaluation.run(mllm, data, total, progress)
                    : ShapesEvaluation.run(mllm, !trainPhrasings, samples, seed, progress);
            if (bars) {
                System.err.println();
            }
            System.out.print(r.markdown());
        }
        return 0;
    }
}
