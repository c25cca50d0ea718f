package io.podtally.k8s.sim;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many requests of each kind a simulated cluster has answered since it started or since
 * {@link SimulatedCluster#resetRequestCounts()}. Faulted requests count too.
 */
public final class RequestCounts {

    private final Map<RequestKind, Long> counts;

    RequestCounts(Map<RequestKind, Long> counts) {
        this.counts = Collections.unmodifiableMap(new EnumMap<>(counts));
    }

    /** The requests of {@code kind}. */
    public long get(RequestKind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    /** All requests. */
    public long total() {
        return counts.entrySet().stream()
                .filter(e -> e.getKey().ownRequest())
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
