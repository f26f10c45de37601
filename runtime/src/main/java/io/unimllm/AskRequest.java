package io.unimllm;

import io.unimllm.core.PromptException;
import io.unimllm.core.generate.GenerationConfig;
import java.awt.image.BufferedImage;

/**
 * One request to {@link UnifiedMllm#submit(AskRequest)}: an image (or none, for a text-only question), the user's
 * instruction, the request's own generation settings and an optional listener for parsed streaming events.
 *
 * @param image the image, or null for a text-only request (groundings are then in a 1000 x 1000 frame)
 * @param instruction the user's words; never null
 * @param generation settings laid over the runtime's ({@link UnifiedMllm#generation()}); null for none
 * @param listener receives the request's {@link ResponseEvent}s on the generation thread; null for none
 */
public record AskRequest(BufferedImage image, String instruction, GenerationConfig generation,
        ResponseListener listener) {
    /**
     * Checks the instruction.
     *
     * @param image the image, or null for a text-only request
     * @param instruction the user's words
     * @param generation settings laid over the runtime's, or null
     * @param listener the event listener, or null
     * @throws PromptException when the instruction is null
     */
    public AskRequest {
        if (instruction == null) {
            throw new PromptException("the instruction is null: pass the user's words (the image alone asks nothing)");
        }
    }

    /**
     * A request with the runtime's generation settings and no listener.
     *
     * @param image the image, or null for a text-only request
     * @param instruction the user's words
     * @return the request
     */
    public static AskRequest of(BufferedImage image, String instruction) {
        return new AskRequest(image, instruction, null, null);
    }

    /**
     * This request with its own generation settings.
     *
     * @param settings settings laid over the runtime's (only their explicit settings count)
     * @return the new request
     */
    public AskRequest withGeneration(GenerationConfig settings) {
        return new AskRequest(image, instruction, settings, listener);
    }

    /**
     * This request with a listener.
     *
     * @param eventListener receives the request's events
     * @return the new request
     */
    public AskRequest withListener(ResponseListener eventListener) {
        return new AskRequest(image, instruction, generation, eventListener);
    }
}
