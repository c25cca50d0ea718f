package io.podtally.cache.memory;

import io.podtally.cache.RecentClusters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@link RecentClusters} for a single replica, with the retention of the Redis adapter. */
public final class InMemoryRecentClusters implements RecentClusters {

    private final ConcurrentMap<String, Instant> asked = new ConcurrentHashMap<>();
    private final Duration retention;
    private final Clock clock;

    /**
     * @param retention clusters last asked for longer ago than this are forgotten
     * @param clock measures the retention
     */
    public InMemoryRecentClusters(Duration retention, Clock clock) {
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void recordAsked(Map<String, Instant> askedAt) {
        askedAt.forEach((cluster, at) -> asked.merge(cluster, at, InMemoryRecentClusters::later));
        Instant cutoff = cutoff();
        asked.values().removeIf(at -> at.isBefore(cutoff));
    }

    @Override
    public Map<String, Instant> lastAsked() {
        Instant cutoff = cutoff();
        Map<String, Instant> recent = new HashMap<>();
        asked.forEach((cluster, at) -> {
            if (!at.isBefore(cutoff)) {
                recent.put(cluster, at);
            }
        });
        return recent;
    }

    private Instant cutoff() {
        return clock.instant().minus(retention);
    }

    private static Instant later(Instant stored, Instant given) {
        return given.isAfter(stored) ? given : stored;
    }
}
