/**
 * The {@code unimllm} command line: {@code ask} (one image and instruction through the runtime), {@code inspect}
 * (a checkpoint's config, tensors and manifest), {@code train} and {@code eval} (the shapes recipe and its evaluation
 * table) and {@code bench}. The commands only parse options and print; the work is the library's.
 */
package io.unimllm.examples;
