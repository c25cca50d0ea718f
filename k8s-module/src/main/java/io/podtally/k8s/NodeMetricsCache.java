package io.podtally.k8s;

import java.time.Instant;
import java.util.Optional;

/**
 * Node usage from metrics.k8s.io, polled in the background and cached for a short time. A cluster
 * without metrics-server has no usage; that is not an error.
 */
public interface NodeMetricsCache {

    /** The usage of one node, if known. */
    Optional<NodeUsage> usage(String nodeName);

    /** Whether metrics are available, absent (no metrics-server) or not fetched yet. */
    MetricsState state();

    /** When the cached metrics were fetched, or {@code null}. */
    Instant fetchedAt();

    /** The states of the metrics cache. */
    enum MetricsState {
        /** Not fetched yet. */
        UNKNOWN,
        /** Metrics are served. */
        AVAILABLE,
        /** The cluster serves no metrics.k8s.io (or it failed); usage is absent. */
        UNAVAILABLE
    }

    /**
     * One node's usage.
     *
     * @param cpu CPU quantity, e.g. {@code 250m}
     * @param memory memory quantity, e.g. {@code 1024Ki}
     * @param timestamp when the metrics-server sampled it
     */
    record NodeUsage(String cpu, String memory, Instant timestamp) {
    }
}
