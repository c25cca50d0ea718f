package io.podtally.app.health;

import io.podtally.cache.PodCountBackend;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The pod-count store's health: its kind, whether it answers, whether this replica receives the others' events and
 * how far this replica's clock is off from the Redis server's, and whether its near cache is tracking
 * ({@code near_cache}: {@code tracking}, {@code not tracking (why)} or {@code off}). {@code DEGRADED} while the store does not answer, and
 * while a replica on memory waits for its Redis ({@code podtally.store=auto}).
 */
final class PodCountStoreHealthIndicator implements HealthIndicator {

    private final PodCountBackend store;

    PodCountStoreHealthIndicator(PodCountBackend store) {
        this.store = store;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", store.kind());
        String problem = store.problem();
        details.put("status", problem == null ? "up" : "down");
        if (problem != null) {
            details.put("error", problem);
        }
        String waiting = store.waitingFor();
        if (waiting != null) {
            details.put("waiting", "for " + waiting);
        }
        Boolean subscribed = store.eventsSubscribed();
        if (subscribed != null) {
            details.put("events", subscribed ? "subscribed" : "not subscribed");
        }
        String nearCache = store.nearCache();
        if (nearCache != null) {
            details.put("near_cache", nearCache);
        }
        if (store.clockSkew() != null) {
            details.put("clock_skew_ms", store.clockSkew().toMillis());
            if (store.clockSkewed()) {
                details.put("clock", "this replica's clock is off from the Redis server's: pod counts are timed by "
                        + "the Redis server's clock and unaffected, this replica's logs and node ages are off; "
                        + "synchronize the clocks");
            }
        }
        return Health.status(problem == null && waiting == null ? Status.UP : ClustersHealthIndicator.DEGRADED)
                .withDetails(details)
                .build();
    }
}
