package io.podtally.cache.memory;

import io.podtally.cache.MutableClock;
import io.podtally.cache.RecentClusters;
import io.podtally.cache.RecentClustersContract;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("InMemoryRecentClusters")
class InMemoryRecentClustersTest extends RecentClustersContract {

    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_700_000_000_000L));
    private InMemoryRecentClusters recent;

    @BeforeEach
    void setUp() {
        recent = new InMemoryRecentClusters(RETENTION, clock);
    }

    @Override
    protected RecentClusters recentClusters() {
        return recent;
    }

    @Override
    protected MutableClock clock() {
        return clock;
    }

    @Override
    protected String cluster(String name) {
        return name;
    }
}
