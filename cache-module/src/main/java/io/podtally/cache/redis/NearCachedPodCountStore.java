package io.podtally.cache.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.podtally.cache.Fence;
import io.podtally.cache.LastFailure;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A {@link PodCountStore} that keeps, per cluster, the last snapshot it read (or that there was none) and answers
 * the next reads from memory, without a Redis command, until Redis says the cluster's hash changed. The copies are
 * kept exact by Redis's server-assisted client-side caching: a {@link TrackingConnection} receives an invalidation for
 * every change of a {@code podtally:{C}:podcounts} hash (by any replica or anyone else, an expiry, a
 * {@code FLUSHALL}) and calls {@link #invalidate} or {@link #invalidateAll}; while it is not tracking, reads go to
 * Redis and nothing is kept.
 *
 * <p>A read that missed goes to Redis once per cluster at a time (reads arriving meanwhile wait for its answer), and
 * its answer is kept only if no invalidation of that cluster, nor a flush, came while it was on its way: each cluster
 * has a version, bumped by every invalidation, and the store has an epoch, bumped by every flush. Writes, backoffs and
 * deletes through this replica drop the copy as soon as they return, so a replica reads its own writes at once.
 *
 * <p>At most {@code maxClusters} copies are kept; beyond that the least recently read one is dropped.
 */
public final class NearCachedPodCountStore implements PodCountStore {

    private final PodCountStore delegate;
    private final BooleanSupplier tracking;
    private final int maxClusters;
    private final ConcurrentMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private final Counter hits;
    private final Counter misses;
    private final Counter invalidations;
    private final Counter flushes;

    /**
     * @param delegate the Redis store
     * @param tracking whether invalidations are being received now; copies are kept and served only while it is true
     * @param maxClusters the most clusters whose copies are kept
     * @param meters where the hit, miss and invalidation counters go
     */
    public NearCachedPodCountStore(PodCountStore delegate, BooleanSupplier tracking, int maxClusters,
            MeterRegistry meters) {
        if (maxClusters < 1) {
            throw new IllegalArgumentException("maxClusters must be positive, was " + maxClusters);
        }
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.tracking = Objects.requireNonNull(tracking, "tracking");
        this.maxClusters = maxClusters;
        this.hits = Counter.builder("podtally.near_cache.requests").tag("result", "hit")
                .description("Pod-count reads answered from this replica's near cache").register(meters);
        this.misses = Counter.builder("podtally.near_cache.requests").tag("result", "miss")
                .description("Pod-count reads that went to Redis").register(meters);
        this.invalidations = Counter.builder("podtally.near_cache.invalidations").tag("scope", "cluster")
                .description("Near-cache copies dropped because Redis said their hash changed").register(meters);
        this.flushes = Counter.builder("podtally.near_cache.invalidations").tag("scope", "all")
                .description("Near-cache flushes (FLUSHALL or FLUSHDB, tracking lost, Redis nodes changed)")
                .register(meters);
        Gauge.builder("podtally.near_cache.size", this, NearCachedPodCountStore::size)
                .description("Clusters whose pod counts this replica's near cache holds").register(meters);
    }

    @Override
    public Optional<PodCountSnapshot> read(String cluster) {
        if (!tracking.getAsBoolean()) {
            misses.increment();
            return delegate.read(cluster);
        }
        Slot slot = slots.computeIfAbsent(cluster, name -> new Slot());
        slot.lastRead = System.nanoTime();
        Optional<PodCountSnapshot> kept = slot.kept;
        if (kept != null) {
            hits.increment();
            return kept;
        }
        misses.increment();
        CompletableFuture<Optional<PodCountSnapshot>> mine;
        CompletableFuture<Optional<PodCountSnapshot>> theirs;
        long version;
        long epochAtStart;
        synchronized (slot) {
            if (slot.kept != null) {
                return slot.kept;
            }
            theirs = slot.loading;
            if (theirs == null) {
                mine = new CompletableFuture<>();
                slot.loading = mine;
            } else {
                mine = null;
            }
            version = slot.version;
            epochAtStart = epoch.get();
        }
        if (mine == null) {
            return await(theirs);
        }
        evictBeyondCap();
        try {
            Optional<PodCountSnapshot> read = delegate.read(cluster);
            synchronized (slot) {
                if (slot.loading == mine) {
                    slot.loading = null;
                }
                if (slot.version == version && epoch.get() == epochAtStart && tracking.getAsBoolean()
                        && slots.get(cluster) == slot) {
                    slot.kept = read;
                }
            }
            mine.complete(read);
            return read;
        } catch (RuntimeException | Error e) {
            synchronized (slot) {
                if (slot.loading == mine) {
                    slot.loading = null;
                }
            }
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private static Optional<PodCountSnapshot> await(CompletableFuture<Optional<PodCountSnapshot>> loading) {
        try {
            return loading.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private void evictBeyondCap() {
        while (slots.size() > maxClusters) {
            Optional<Map.Entry<String, Slot>> oldest = slots.entrySet().stream()
                    .min(Comparator.comparingLong(entry -> entry.getValue().lastRead));
            if (oldest.isEmpty()) {
                return;
            }
            slots.remove(oldest.get().getKey(), oldest.get().getValue());
        }
    }

    @Override
    public WriteResult write(String cluster, PodCountSnapshot snapshot) {
        try {
            return delegate.write(cluster, snapshot);
        } finally {
            drop(cluster);
        }
    }

    @Override
    public Optional<WriteResult> write(String cluster, PodCountSnapshot snapshot, Fence fence) {
        try {
            return delegate.write(cluster, snapshot, fence);
        } finally {
            drop(cluster);
        }
    }

    @Override
    public void setBackoff(String cluster, Instant nextAttempt, int failures, LastFailure failure) {
        try {
            delegate.setBackoff(cluster, nextAttempt, failures, failure);
        } finally {
            drop(cluster);
        }
    }

    @Override
    public boolean delete(String cluster) {
        try {
            return delegate.delete(cluster);
        } finally {
            drop(cluster);
        }
    }

    /**
     * Redis said the hash of {@code cluster} changed: drops its copy, and makes a read on its way not keep what it
     * brings back.
     */
    public void invalidate(String cluster) {
        drop(cluster);
        invalidations.increment();
    }

    /** Drops the copy of {@code cluster} after a change made through this replica (not counted as an invalidation). */
    void drop(String cluster) {
        Slot slot = slots.get(cluster);
        if (slot == null) {
            return;
        }
        synchronized (slot) {
            slot.version++;
            slot.kept = null;
            slot.loading = null;
        }
    }

    /** Drops every copy, and makes every read on its way not keep what it brings back. */
    public void invalidateAll() {
        epoch.incrementAndGet();
        slots.clear();
        flushes.increment();
    }

    /** How many clusters have a copy now. */
    public int size() {
        return (int) slots.values().stream().filter(slot -> slot.kept != null).count();
    }

    /** One cluster's copy and the read bringing one. */
    private static final class Slot {

        /** The copy: the snapshot, or empty when there was none; {@code null} when there is no copy. */
        volatile Optional<PodCountSnapshot> kept;
        CompletableFuture<Optional<PodCountSnapshot>> loading;
        long version;
        volatile long lastRead;
    }
}
