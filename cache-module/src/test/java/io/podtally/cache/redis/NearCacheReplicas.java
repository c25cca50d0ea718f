package io.podtally.cache.redis;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.podtally.cache.CountingSource;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What the near-cache ITs share: replicas with the near cache on, one-node snapshots and reading them back. */
final class NearCacheReplicas {

    static final PodCountSettings SETTINGS = PodCountSettings.defaults();
    static final NearCacheSettings NEAR = new NearCacheSettings(true, 100, Duration.ofMillis(200));

    private NearCacheReplicas() {
    }

    /** A replica's backend on {@code settings} with the near cache on, once it is tracking. */
    static RedisBackend start(RedisConnectionSettings settings, MeterRegistry meters, Duration wait) {
        RedisBackend backend = RedisBackend.start(settings, SETTINGS, NEAR, Clock.systemUTC(), meters);
        await().atMost(wait).until(() -> "tracking".equals(backend.nearCache()));
        return backend;
    }

    /** A complete snapshot with {@code pods} pods on {@code node-a}, fetched now. */
    static PodCountSnapshot snapshot(int pods) {
        Instant now = Clock.systemUTC().instant();
        return PodCountSnapshot.of(CountingSource.complete(Map.of("node-a", pods)), now, now, SETTINGS, null, 0);
    }

    /** The pods on {@code node-a} as {@code backend} reads them; empty when it reads no counts. */
    static Optional<Integer> podsOn(RedisBackend backend, String cluster) {
        return backend.store().read(cluster).map(snapshot -> snapshot.counts().get("node-a"));
    }
}
