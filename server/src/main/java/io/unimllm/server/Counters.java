package io.unimllm.server;

import java.util.concurrent.atomic.AtomicLong;

/** The live counters behind {@link ServerStats}. */
final class Counters {
    /** How a request ended. */
    enum Outcome { COMPLETED, INVALID, REJECTED, TIMED_OUT, DISCONNECTED, FAILED }

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong[] outcomes = new AtomicLong[Outcome.values().length];

    Counters() {
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = new AtomicLong();
        }
    }

    void received() {
        received.incrementAndGet();
    }

    void ended(Outcome outcome) {
        outcomes[outcome.ordinal()].incrementAndGet();
    }

    ServerStats snapshot() {
        long[] o = new long[outcomes.length];
        long done = 0;
        for (int i = 0; i < o.length; i++) {
            o[i] = outcomes[i].get();
            done += o[i];
        }
        long r = received.get();
        return new ServerStats(r, o[0], o[1], o[2], o[3], o[4], o[5], Math.max(0, r - done));
    }
}
