package io.podtally.app.config;

import io.podtally.app.wiring.PropertyChecks;
import io.podtally.cache.redis.NearCacheSettings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The near cache of the Redis store: each replica answers warm reads from the snapshot it last read, kept exact by
 * Redis's client-side-caching invalidations ({@code CLIENT TRACKING}).
 *
 * @param enabled whether warm reads are answered from memory; off, every read is one round trip to Redis
 * @param maxClusters the most clusters whose snapshot a replica keeps; beyond it the least recently read is dropped
 */
@ConfigurationProperties("podtally.redis.near-cache")
public record NearCacheProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1000") int maxClusters) {

    public NearCacheProperties {
        PropertyChecks.requireRange("podtally.redis.near-cache.max-clusters", maxClusters, 1, 1_000_000);
    }

    /** The cache module's settings, probing the tracking connections every second. */
    public NearCacheSettings settings() {
        return new NearCacheSettings(enabled, maxClusters, Duration.ofSeconds(1));
    }
}
