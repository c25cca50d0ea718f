package io.podtally.k8s.sim;

/**
 * How many requests of each kind a simulated cluster has answered since it started or since
 * {@link SimulatedCluster#resetRequestCounts()}. Faulted requests count too.
 *
 * @param nodeLists {@code GET /api/v1/nodes} without {@code watch}
 * @param nodeGets {@code GET /api/v1/nodes/{name}}
 * @param nodeWatches node watches opened
 * @param podListPages pod list requests (every page)
 * @param podListSequences pod list requests without {@code continue} (the start of a list)
 * @param podWatches pod watches opened
 * @param metrics requests to {@code metrics.k8s.io}
 * @param other discovery and anything else
 * @param podTablePages pod list requests answered as a {@code Table} (included in {@code podListPages})
 */
public record RequestCounts(
        long nodeLists,
        long nodeGets,
        long nodeWatches,
        long podListPages,
        long podListSequences,
        long podWatches,
        long metrics,
        long other,
        long podTablePages) {

    /** All requests. */
    public long total() {
        return nodeLists + nodeGets + nodeWatches + podListPages + podWatches + metrics + other;
    }
}
