package io.podtally.k8s;

import java.time.Instant;
import java.util.Map;
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

    /**
     * A content fingerprint of the usage held, for ETags: {@link Fingerprints#usages} of the samples (node name, cpu,
     * memory, sample timestamp), computed once per poll. Equal on every replica that holds the same samples, whenever
     * each fetched them; 0 when no usage is held.
     */
    long fingerprint();

    /** The state, the usage held and its fingerprint, read together. */
    Snapshot snapshot();

    /**
     * What the metrics cache holds at one moment.
     *
     * @param state whether metrics are available
     * @param usageByNode the usage of each node with metrics
     * @param fingerprint {@link Fingerprints#usages} of {@code usageByNode}
     * @param fetchedAt when the usage was fetched, or {@code null}
     */
    record Snapshot(MetricsState state, Map<String, NodeUsage> usageByNode, long fingerprint, Instant fetchedAt) {

        /** The usage of one node, if known. */
        public Optional<NodeUsage> usage(String nodeName) {
            return nodeName == null ? Optional.empty() : Optional.ofNullable(usageByNode.get(nodeName));
        }
    }

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
