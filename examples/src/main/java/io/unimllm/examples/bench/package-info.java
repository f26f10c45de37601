/**
 * The {@code bench} command: decode throughput against the memory-bandwidth limit for every decoder plan on one set
 * of weights, the Java-side overhead per step, matrix products and router dispatch (docs/performance.md).
 */
package io.unimllm.examples.bench;
