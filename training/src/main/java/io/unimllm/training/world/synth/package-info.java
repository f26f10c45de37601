/**
 * A seeded synthetic visual-instruction world (the data-side generator, beside the lead's
 * {@code io.unimllm.training.world.WorldGenerator}): scenes of coloured shapes on varied backgrounds, rendered exactly
 * with per-shape masks and boxes, and instructions (segment, locate, detect, recolour, remove, count, colour, exists)
 * with answers in unimllm's task/grounding-token protocol. {@link io.unimllm.training.world.synth.WorldSplit} makes
 * train/validation/test splits whose test part uses only held-out phrasings.
 */
package io.unimllm.training.world.synth;
