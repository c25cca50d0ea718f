package io.podtally.cache.memory;

import io.podtally.cache.Fence;
import io.podtally.cache.LastFailure;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link PodCountStore} for a single replica, with the write rules and the retention of the Redis store. Fenced
 * writes are checked against the {@link LocalRefreshLock} it is built with.
 */
public final class InMemoryPodCountStore implements PodCountStore {

    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final PodCountSettings settings;
    private final Clock clock;
    private final LocalRefreshLock lock;

    /**
     * @param settings give the retention
     * @param clock measures the retention
     * @param lock the refresh lock whose holders may write fenced
     */
    public InMemoryPodCountStore(PodCountSettings settings, Clock clock, LocalRefreshLock lock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    @Override
    public Optional<PodCountSnapshot> read(String cluster) {
        return Optional.ofNullable(live(cluster)).map(Entry::snapshot);
    }

    @Override
    public WriteResult write(String cluster, PodCountSnapshot snapshot) {
        return write(cluster, snapshot, (Fence) null).orElseThrow();
    }

    /** {@inheritDoc} The fence is checked inside the same update of the cluster's entry as the write. */
    @Override
    public Optional<WriteResult> write(String cluster, PodCountSnapshot snapshot, Fence fence) {
        Objects.requireNonNull(snapshot.fetchedAt(), "fetchedAt");
        WriteResult[] result = new WriteResult[1];
        entries.compute(cluster, (c, current) -> {
            Entry stored = current != null && current.expiresAt().isAfter(clock.instant()) ? current : null;
            long generation = stored == null ? 0 : stored.snapshot().generation();
            if (fence != null && !lock.holds(fence)) {
                return current;
            }
            if (stored != null && refused(stored.snapshot(), snapshot)) {
                result[0] = new WriteResult(false, generation);
                return stored;
            }
            result[0] = new WriteResult(true, generation + 1);
            return new Entry(snapshot.withGeneration(generation + 1), expiry());
        });
        return Optional.ofNullable(result[0]);
    }

    @Override
    public void setBackoff(String cluster, Instant nextAttempt, int failures, LastFailure failure) {
        entries.compute(cluster, (c, current) -> {
            Entry stored = current != null && current.expiresAt().isAfter(clock.instant()) ? current : null;
            if (stored == null) {
                return new Entry(
                        new PodCountSnapshot(Map.of(), null, null, null, null, nextAttempt, false, null, 0, 0, 0,
                                failures, null, failure),
                        expiry());
            }
            return new Entry(stored.snapshot().withBackoff(nextAttempt, failures, failure), stored.expiresAt());
        });
    }

    @Override
    public boolean delete(String cluster) {
        Entry removed = entries.remove(cluster);
        return removed != null && removed.expiresAt().isAfter(clock.instant());
    }

    /** The same rules as the Redis write script. */
    static boolean refused(PodCountSnapshot stored, PodCountSnapshot incoming) {
        if (!stored.hasCounts()) {
            return false;
        }
        if (incoming.fetchedAt().isBefore(stored.fetchedAt())) {
            return true;
        }
        if (incoming.complete() || incoming.fetchedAt().isAfter(stored.staleUntil())) {
            return false;
        }
        return stored.complete() || incoming.coversLessThan(stored);
    }

    private Entry live(String cluster) {
        Entry entry = entries.get(cluster);
        if (entry == null) {
            return null;
        }
        if (!entry.expiresAt().isAfter(clock.instant())) {
            entries.remove(cluster, entry);
            return null;
        }
        return entry;
    }

    private Instant expiry() {
        return clock.instant().plus(settings.retention());
    }

    private record Entry(PodCountSnapshot snapshot, Instant expiresAt) {}
}
