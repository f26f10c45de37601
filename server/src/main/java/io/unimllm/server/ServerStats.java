package io.unimllm.server;

/**
 * What the server's chat completion endpoint has done since it started; {@code GET /health} shows it too. Every
 * request received ends in exactly one of the other counters once it is no longer in flight.
 *
 * @param received chat completion requests received
 * @param completed answered in full (plain or streamed)
 * @param invalid refused for their content: malformed JSON, a bad parameter, an image or body too large (4xx)
 * @param rejected refused because the runtime's queue was full or it was closing, or cut short because the server
 *     stopped (429, 503)
 * @param timedOut cancelled when they ran past the request timeout (504, or an error event on a stream)
 * @param disconnected ended because the client went away: while its stream was being written (the request is
 *     cancelled) or before its body arrived
 * @param failed ended by an unexpected error (500)
 * @param inFlight being handled now
 */
public record ServerStats(long received, long completed, long invalid, long rejected, long timedOut,
        long disconnected, long failed, long inFlight) {
}
