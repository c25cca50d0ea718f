package io.podtally.cache.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * The near cache of the Redis store: warm reads answered from this replica's memory, kept exact by Redis tracking.
 *
 * @param enabled whether reads are answered from memory while Redis tracks the changes for this replica; off, every
 *     read is a round trip to Redis
 * @param maxClusters the most clusters whose snapshot is kept (least recently read dropped first)
 * @param probeInterval how often the tracking connections are checked ({@code ROLE}) and, when closed, opened again
 */
public record NearCacheSettings(boolean enabled, int maxClusters, Duration probeInterval) {

    public NearCacheSettings {
        Objects.requireNonNull(probeInterval, "probeInterval");
        if (maxClusters < 1) {
            throw new IllegalArgumentException("maxClusters must be positive, was " + maxClusters);
        }
        if (probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("probeInterval must be positive, was " + probeInterval);
        }
    }

    /** On, 1,000 clusters, probed every second. */
    public static NearCacheSettings defaults() {
        return new NearCacheSettings(true, 1000, Duration.ofSeconds(1));
    }

    /** Off: every read goes to Redis. */
    public static NearCacheSettings off() {
        return new NearCacheSettings(false, 1000, Duration.ofSeconds(1));
    }
}
