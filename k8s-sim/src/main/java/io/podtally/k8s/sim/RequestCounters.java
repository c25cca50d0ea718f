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

    void hit(RequestKind kind) {
        counters.get(kind).increment();
    }

    RequestCounts snapshot() {
        Map<RequestKind, Long> counts = new EnumMap<>(RequestKind.class);
        counters.forEach((kind, counter) -> counts.put(kind, counter.sum()));
        return new RequestCounts(counts);
    }

    void reset() {
        counters.values().forEach(LongAdder::reset);
    }
}
