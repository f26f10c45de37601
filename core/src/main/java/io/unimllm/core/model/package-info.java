/**
 * The LLaVA-family model in DJL NDArray ops: a CLIP-style vision tower, the two-layer MLP projector and a
 * Llama-style decoder, with Hugging Face weight names. One class per part, in the spirit of transformers'
 * one-file-per-architecture modelling code.
 */
package io.unimllm.core.model;
