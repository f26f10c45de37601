package io.unimllm.examples;

import io.unimllm.shapes.recipe.ShapesRecipe;
import io.unimllm.training.train.TrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Trains the small shapes-world MLLM the repository ships (see docs/training.md). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the shapes-world MLLM from scratch on the synthetic world (CPU is fine).")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "models/shapes-tiny", description = "checkpoint directory (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--steps", defaultValue = "3000", description = "optimizer steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "samples per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "3e-4", description = "peak learning rate (default ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--warmup", defaultValue = "200", description = "warm-up steps (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--minutes", defaultValue = "60", description = "stop after this many minutes (default ${DEFAULT-VALUE})")
    long minutes;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--embedding-std", defaultValue = "0.02", description = "initial std of token embeddings (default ${DEFAULT-VALUE})")
    double embeddingStd;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32, or fp16-mixed: fp16 forward/backward "
            + "with fp32 master weights and dynamic loss scaling, for GPUs (fp16 is slow on CPUs) (default ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--head-weight", defaultValue = "1.0", description = "weight of the region and mask-prompt heads' "
            + "losses next to the language loss (default ${DEFAULT-VALUE})")
    double headWeight;

    @Option(names = "--same-kind", defaultValue = "0", description = "probability that a training scene's further "
            + "shapes share its first shape's kind, so that only the colour or size named tells them apart "
            + "(default ${DEFAULT-VALUE})")
    double sameKind;

    @Option(names = "--fillers", defaultValue = "0", description = "probability that a training instruction gets a "
            + "filler word (\"now\", \"kindly\", \"for me\", ...) at its start or end (default ${DEFAULT-VALUE})")
    double fillers;

    @Option(names = "--resume", description = "continue from the checkpoint in --out instead of a fresh "
            + "initialisation (rewrites it: needs --overwrite)")
    boolean resume;

    @Option(names = "--overwrite", description = "allow writing into a directory that already holds a model (such as "
            + "the shipped models/shapes-tiny); without it, train refuses")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        refuseToOverwrite();
        TrainingOptions.Precision p;
        try {
            p = TrainingOptions.Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--precision': "
                    + e.getMessage());
        }
        if (!resume || !Files.isRegularFile(out.resolve("model.safetensors"))) {
            ShapesRecipe.initialise(out, seed, embeddingStd);
            System.out.println("initialised " + out);
        }
        long start = System.nanoTime();
        ShapesRecipe.Run run = ShapesRecipe.Run.builder().steps(steps).batchSize(batch).lr(lr).warmup(warmup)
                .seed(seed).budget(Duration.ofMinutes(minutes)).resume(resume).precision(p).headLossWeight(headWeight)
                .sameKindDistractors(sameKind).fillers(fillers).build();
        double val = ShapesRecipe.train(out, run, System.out);
        System.out.printf("done in %s, validation loss %.4f, checkpoint %s%n",
                Duration.ofNanos(System.nanoTime() - start).withNanos(0), val, out);
        return 0;
    }

    /** A directory with weights in it is someone's model (by default, the one the repository ships). */
    private void refuseToOverwrite() {
        for (String weights : new String[] {"model.safetensors", "model.safetensors.index.json"}) {
            if (!overwrite && Files.exists(out.resolve(weights))) {
                throw new ParameterException(spec.commandLine(), out + " already holds a model (" + weights + "): "
                        + (resume ? "--resume trains it further in place" : "training would replace it")
                        + "; add --overwrite to do so, or choose another --out directory");
            }
        }
    }
}
