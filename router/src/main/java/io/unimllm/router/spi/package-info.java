/**
 * The expert SPI: what an expert model accepts ({@link io.unimllm.router.spi.ExpertRequest}), what it returns
 * ({@link io.unimllm.router.spi.ExpertResult}) and how it describes itself
 * ({@link io.unimllm.router.spi.ExpertDescriptor}). Experts depend on this package only.
 */
package io.unimllm.router.spi;
