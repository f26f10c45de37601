/**
 * Batch inference over large image sets on Apache Spark: {@link io.unimllm.spark.UnimllmTransformer}, a Spark ML
 * {@code Transformer} that asks the runtime about every row of a DataFrame (an image column, binary or paths, and an
 * instruction column) and adds typed result and error columns ({@link io.unimllm.spark.ResultSchema}); one model per
 * executor JVM, loaded on first use and shared by that JVM's tasks, whose rows are decoded together by the runtime's
 * continuous batching. {@link io.unimllm.spark.UnimllmSpark#ask} is the one-call form and
 * {@link io.unimllm.spark.SparkAsk} an example job (a folder of images and an instruction file in, Parquet out).
 * docs/spark.md describes running it locally and on a cluster.
 */
package io.unimllm.spark;
