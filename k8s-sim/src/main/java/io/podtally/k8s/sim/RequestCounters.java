package io.podtally.k8s.sim;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The request counters of one simulated cluster, one per {@link RequestKind}. */
final class RequestCounters {

    private final Map<RequestKind, LongAdder> counters = new EnumMap<>(RequestKind.class);

    RequestCounters() {
        for (RequestKind kind : RequestKind.values()) {
            counters.put(kind, new LongAdder());
        }
    }

    private final LongAdder podsListed = new LongAdder();
    private final LongAdder podEventsSent = new LongAdder();
    private volatile long lastPodEventSentNanos;

    void hit(RequestKind kind) {
        counters.get(kind).increment();
    }

    void podsListed(int items) {
        podsListed.add(items);
    }

    long podsListed() {
        return podsListed.sum();
    }

    /** A pod watch event (not a bookmark) written to a watch's socket, at {@link System#nanoTime()}. */
    void podEventSent(long nanos) {
        lastPodEventSentNanos = nanos;
        podEventsSent.increment();
    }

    long podEventsSent() {
        return podEventsSent.sum();
    }

    long lastPodEventSentNanos() {
        return lastPodEventSentNanos;
    }

    RequestCounts snapshot() {
        Map<RequestKind, Long> counts = new EnumMap<>(RequestKind.class);
        counters.forEach((kind, counter) -> counts.put(kind, counter.sum()));
        return new RequestCounts(counts);
    }

    void reset() {
        counters.values().forEach(LongAdder::reset);
        podsListed.reset();
    }
}
