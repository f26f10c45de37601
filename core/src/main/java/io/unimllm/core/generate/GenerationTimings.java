package io.unimllm.core.generate;

import java.time.Duration;

/**
 * Wall-clock time per stage of one generate call.
 *
 * @param visionEncode vision tower and projector
 * @param prefill the forward pass over the prompts, first token included
 * @param decode all later steps
 * @param decodeSteps number of decode steps
 * @param prefillTokens positions prefilled per row (the padded length)
 */
public record GenerationTimings(Duration visionEncode, Duration prefill, Duration decode, int decodeSteps,
        int prefillTokens) {}
