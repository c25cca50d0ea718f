package io.podtally.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The store, recent clusters, lock and events the pod-count cache runs on, with the clients behind
 * them: Redis (shared by replicas) or memory (one replica). Closed after the cache that uses it.
 */
public interface PodCountBackend extends AutoCloseable {

    /** {@code redis}, {@code memory}, or {@code memory (waiting for Redis)} while a {@link SwitchingBackend} waits. */
    String kind();

    PodCountStore store();

    RecentClusters recentClusters();

    RefreshLock lock();

    PodCountEvents events();

    /**
     * The clock of record for the cache on this backend (freshness, {@code fetchedAt}, {@code endedAt}, backoff),
     * one for all replicas: the Redis server's time for Redis, the local clock in memory.
     */
    Clock clock();

    /** Whether the store is reachable now: {@code null} when it is, else why not. */
    String problem();

    /**
     * What this backend waits for before it serves as configured, and why it is not there yet; {@code null} when
     * it waits for nothing.
     */
    default String waitingFor() {
        return null;
    }

    /** Whether this replica receives the events of the others; {@code null} when there are no others. */
    Boolean eventsSubscribed();

    /**
     * The state of this replica's near cache of the store: {@code tracking} while it answers warm reads from memory,
     * {@code not tracking (why)} while it reads through, {@code off} when disabled; {@code null} when the store has
     * none (memory).
     */
    default String nearCache() {
        return null;
    }

    /** This replica's clock minus the store's, as last measured; {@code null} when not measured. */
    Duration clockSkew();

    /** Whether {@link #clockSkew()} is beyond what freshness tolerates without a warning. */
    boolean clockSkewed();

    /** The per-cluster watch lease, where replicas share one store; empty otherwise (watch mode then falls back). */
    default Optional<WatchLease> watchLease() {
        return Optional.empty();
    }

    /** Where replicas announce themselves, where they share one store. */
    default Optional<ReplicaRegistry> replicaRegistry() {
        return Optional.empty();
    }

    /** Closes the events and the clients. */
    @Override
    void close();
}
