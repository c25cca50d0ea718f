package io.podtally.cache.memory;

import io.podtally.cache.PodCountBackend;
import io.podtally.cache.PodCountEvents;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.RecentClusters;
import io.podtally.cache.RefreshLock;
import java.time.Clock;
import java.time.Duration;

/** The {@link PodCountBackend} of a single replica: everything in memory, always reachable. */
public final class InMemoryBackend implements PodCountBackend {

    private final InMemoryPodCountStore store;
    private final InMemoryRecentClusters recentClusters;
    private final LocalRefreshLock lock = new LocalRefreshLock();
    private final InMemoryPodCountEvents events = new InMemoryPodCountEvents();
    private final Clock clock;

    /**
     * @param settings give the retention
     * @param clock measures the retention; the clock of record
     */
    public InMemoryBackend(PodCountSettings settings, Clock clock) {
        this.clock = clock;
        this.store = new InMemoryPodCountStore(settings, clock, lock);
        this.recentClusters = new InMemoryRecentClusters(settings.retention(), clock);
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public PodCountStore store() {
        return store;
    }

    @Override
    public RecentClusters recentClusters() {
        return recentClusters;
    }

    @Override
    public RefreshLock lock() {
        return lock;
    }

    @Override
    public PodCountEvents events() {
        return events;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** Always {@code null}: memory is always reachable. */
    @Override
    public String problem() {
        return null;
    }

    /** Always {@code null}: there are no other replicas. */
    @Override
    public Boolean eventsSubscribed() {
        return null;
    }

    /** Always {@code null}: there is no server clock. */
    @Override
    public Duration clockSkew() {
        return null;
    }

    @Override
    public boolean clockSkewed() {
        return false;
    }

    @Override
    public void close() {
        events.close();
    }
}
