/**
 * The recipe of the small model the repository ships ({@link io.unimllm.shapes.recipe.ShapesRecipe}): its config,
 * random initialisation and checkpoint files, and its training on the shapes world with the training module's generic
 * {@link io.unimllm.training.train.Trainer}.
 */
package io.unimllm.shapes.recipe;
