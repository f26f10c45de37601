package io.unimllm.training.world.synth;

import java.util.List;

/**
 * Train, validation and test samples of one world. Train and validation use the training phrasings (with different
 * scenes); test uses only the held-out phrasings, so it measures generalisation to unseen instruction wording.
 *
 * @param train training samples, ids {@code train-NNNNNN}
 * @param validation validation samples, ids {@code val-NNNNNN}
 * @param test test samples, ids {@code test-NNNNNN}
 */
public record WorldSplit(List<Sample> train, List<Sample> validation, List<Sample> test) {
    public WorldSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }

    /**
     * Generates a split. Each part has its own seed derived from {@code seed}, so changing one part's size does not
     * change the samples of another.
     */
    public static WorldSplit generate(WorldConfig config, long seed, int trainCount, int validationCount,
            int testCount) {
        if (trainCount < 0 || validationCount < 0 || testCount < 0) {
            throw new IllegalArgumentException("split sizes must be >= 0: " + trainCount + "/" + validationCount
                    + "/" + testCount);
        }
        SampleGenerator g = new SampleGenerator(config);
        return new WorldSplit(
                g.stream(seed * 3, PhrasingSet.TRAIN, trainCount, "train").toList(),
                g.stream(seed * 3 + 1, PhrasingSet.TRAIN, validationCount, "val").toList(),
                g.stream(seed * 3 + 2, PhrasingSet.TEST, testCount, "test").toList());
    }
}
