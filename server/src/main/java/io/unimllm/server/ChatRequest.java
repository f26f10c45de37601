package io.unimllm.server;

import io.unimllm.core.generate.GenerationConfig;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A chat completion request as the runtime will run it.
 *
 * @param instruction the text of the last user message
 * @param image the first image of that message, or null
 * @param generation the request's own settings, or null for the runtime's
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a stream ends with a usage chunk ({@code stream_options.include_usage})
 * @param maskPng whether masks also come as PNG images (extension field {@code mask_png})
 * @param notes what of the request was not used (system messages, earlier turns, further images)
 */
record ChatRequest(String instruction, BufferedImage image, GenerationConfig generation, boolean stream,
        boolean includeUsage, boolean maskPng, List<String> notes) {
    ChatRequest {
        notes = List.copyOf(notes);
    }
}
