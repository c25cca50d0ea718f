package io.podtally.cache;

import java.time.Instant;
import java.util.Map;

/**
 * When each cluster was last asked for, shared by all replicas (Redis) or kept by one (in memory); it
 * orders the warm-up. Every method throws {@link StoreUnavailableException} when the store cannot be
 * reached, and {@link StoreKeyException} when Redis refuses its key.
 */
public interface RecentClusters {

    /**
     * Records when clusters were last asked for: per cluster the later of the stored time and the given
     * one (an older time never replaces a newer one). Clusters last asked for longer than the retention
     * ago are forgotten.
     *
     * @param askedAt per cluster, when this replica last read it
     */
    void recordAsked(Map<String, Instant> askedAt);

    /** The clusters asked for within the retention, each with the time it was last asked for. */
    Map<String, Instant> lastAsked();
}
