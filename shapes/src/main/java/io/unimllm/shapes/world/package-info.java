/**
 * The synthetic shapes world the shipped model learns: scenes of coloured circles, squares and triangles on varied
 * backgrounds ({@link io.unimllm.shapes.world.Scene}), instructions of every task in training and held-out phrasings
 * ({@link io.unimllm.shapes.world.Phrasings}), samples with answers in unimllm's token protocol and their ground truth
 * ({@link io.unimllm.shapes.world.WorldGenerator}, {@link io.unimllm.shapes.world.Sample}), and the tokenizer of
 * the world's words ({@link io.unimllm.shapes.world.WorldTokenizer}).
 */
package io.unimllm.shapes.world;
