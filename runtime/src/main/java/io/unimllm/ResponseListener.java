package io.unimllm;

/**
 * Receives the parsed stream of one request. Called on the runtime's generation thread, in order: keep it quick and
 * hand slow work (network writes) to another thread, or every request in the batch waits for it. An exception it
 * throws is logged and the request goes on.
 */
@FunctionalInterface
public interface ResponseListener {
    /**
     * One event of the request.
     *
     * @param event what happened
     */
    void onEvent(ResponseEvent event);
}
