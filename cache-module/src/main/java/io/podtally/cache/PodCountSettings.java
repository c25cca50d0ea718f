package io.podtally.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * How the pod-count cache behaves.
 *
 * @param freshFor counts younger than this are {@code fresh}: served, nothing refreshed
 * @param staleFor counts younger than this (and not fresh) are {@code stale}: served and refreshed;
 *     older ones are {@code expired}
 * @param retention how long Redis keeps a cluster's counts after their last write, and the time a
 *     cluster was last asked for
 * @param backoffInitial the wait before the next attempt after a first failed or partial refresh
 * @param backoffMax the longest such wait (the wait doubles per consecutive failure up to this)
 * @param warmupSpread warm-up refreshes are staggered across this, in their warm-up order, each with
 *     a random jitter, so that replicas starting together do not all try at once
 * @param refreshThreads threads running refreshes in this replica
 * @param refreshQueue refreshes that may wait for a thread; further ones are skipped
 * @param circuitOpenFor after a store failure, reads answer {@code unavailable} without trying the
 *     store for this long
 * @param warmupMaxClusters warm-up refreshes at most this many clusters, the first in the warm-up
 *     order ({@link #NO_WARMUP_LIMIT}: all of them)
 * @param askedFlushInterval how often a replica writes the times its clusters were asked for (kept in
 *     memory by each read) to the store
 */
public record PodCountSettings(
        Duration freshFor,
        Duration staleFor,
        Duration retention,
        Duration backoffInitial,
        Duration backoffMax,
        Duration warmupSpread,
        int refreshThreads,
        int refreshQueue,
        Duration circuitOpenFor,
        int warmupMaxClusters,
        Duration askedFlushInterval) {

    /** The {@code warmupMaxClusters} that warms every cluster up. */
    public static final int NO_WARMUP_LIMIT = Integer.MAX_VALUE;

    public PodCountSettings {
        requirePositive(freshFor, "freshFor");
        requirePositive(staleFor, "staleFor");
        requirePositive(retention, "retention");
        requirePositive(backoffInitial, "backoffInitial");
        requirePositive(backoffMax, "backoffMax");
        requirePositive(askedFlushInterval, "askedFlushInterval");
        Objects.requireNonNull(warmupSpread, "warmupSpread");
        Objects.requireNonNull(circuitOpenFor, "circuitOpenFor");
        if (staleFor.compareTo(freshFor) < 0) {
            throw new IllegalArgumentException("staleFor must not be shorter than freshFor");
        }
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("backoffMax must not be shorter than backoffInitial");
        }
        if (warmupSpread.isNegative() || circuitOpenFor.isNegative()) {
            throw new IllegalArgumentException("warmupSpread and circuitOpenFor must not be negative");
        }
        if (refreshThreads < 1 || refreshQueue < 0) {
            throw new IllegalArgumentException("refreshThreads must be at least 1, refreshQueue at least 0");
        }
        if (warmupMaxClusters < 1) {
            throw new IllegalArgumentException("warmupMaxClusters must be positive, was " + warmupMaxClusters);
        }
    }

    /**
     * Fresh 5 m, stale 10 m, retention 24 h, backoff 30 s to 5 m, warm-up spread 10 s, 4 threads,
     * queue 64, circuit open 1 s, every cluster warmed up, asked-for times flushed every 30 s.
     */
    public static PodCountSettings defaults() {
        return new PodCountSettings(
                Duration.ofMinutes(5),
                Duration.ofMinutes(10),
                Duration.ofHours(24),
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofSeconds(10),
                4,
                64,
                Duration.ofSeconds(1),
                NO_WARMUP_LIMIT,
                Duration.ofSeconds(30));
    }

    /** These settings with other freshness limits. */
    public PodCountSettings withFreshness(Duration freshFor, Duration staleFor) {
        return new PodCountSettings(
                freshFor, staleFor, retention, backoffInitial, backoffMax, warmupSpread, refreshThreads, refreshQueue,
                circuitOpenFor, warmupMaxClusters, askedFlushInterval);
    }

    /** These settings with another backoff. */
    public PodCountSettings withBackoff(Duration backoffInitial, Duration backoffMax) {
        return new PodCountSettings(
                freshFor, staleFor, retention, backoffInitial, backoffMax, warmupSpread, refreshThreads, refreshQueue,
                circuitOpenFor, warmupMaxClusters, askedFlushInterval);
    }

    /** These settings with another warm-up spread. */
    public PodCountSettings withWarmupSpread(Duration warmupSpread) {
        return new PodCountSettings(
                freshFor, staleFor, retention, backoffInitial, backoffMax, warmupSpread, refreshThreads, refreshQueue,
                circuitOpenFor, warmupMaxClusters, askedFlushInterval);
    }

    /** These settings with another limit on the clusters warmed up. */
    public PodCountSettings withWarmupMaxClusters(int warmupMaxClusters) {
        return new PodCountSettings(
                freshFor, staleFor, retention, backoffInitial, backoffMax, warmupSpread, refreshThreads, refreshQueue,
                circuitOpenFor, warmupMaxClusters, askedFlushInterval);
    }

    /** These settings with another interval between writes of the asked-for times. */
    public PodCountSettings withAskedFlushInterval(Duration askedFlushInterval) {
        return new PodCountSettings(
                freshFor, staleFor, retention, backoffInitial, backoffMax, warmupSpread, refreshThreads, refreshQueue,
                circuitOpenFor, warmupMaxClusters, askedFlushInterval);
    }

    /** These settings with {@code refreshThreads} refresh threads and a queue of {@code refreshQueue}. */
    public PodCountSettings withRefreshExecutor(int refreshThreads, int refreshQueue) {
        return new PodCountSettings(
                freshFor, staleFor, retention, backoffInitial, backoffMax, warmupSpread, refreshThreads, refreshQueue,
                circuitOpenFor, warmupMaxClusters, askedFlushInterval);
    }

    /**
     * The wait before the next attempt after {@code failures} consecutive failed or partial
     * refreshes: {@code backoffInitial} doubled per further failure, at most {@code backoffMax}.
     */
    public Duration backoffAfter(int failures) {
        Duration wait = backoffInitial;
        for (int i = 1; i < failures && wait.compareTo(backoffMax) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(backoffMax) > 0 ? backoffMax : wait;
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
