package io.unimllm.training.world.synth;

/** Which half of the instruction phrasings a sample draws from; the two halves share no template. */
public enum PhrasingSet {
    /** Phrasings used for training and validation. */
    TRAIN,
    /** Phrasings held out for the test split. */
    TEST
}
