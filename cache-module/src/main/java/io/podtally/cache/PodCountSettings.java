package io.podtally.cache;

import java.time.Duration;

/**
 * How the pod-count cache behaves. The values are checked where they are configured
 * ({@code podtally.podcounts.*}), not here.
 *
 * @param freshFor counts younger than this are {@code fresh}: served, nothing refreshed
 * @param staleFor counts younger than this (and not fresh) are {@code stale}: served and refreshed;
 *     older ones are {@code expired}
 * @param retention how long Redis keeps a cluster's counts after their last write, and the time a
 *     cluster was last asked for
 * @param backoffInitial the wait before the next attempt after a first failed or partial refresh
 * @param backoffMax the longest such wait (the wait doubles per consecutive failure up to this)
 * @param warmUpSpread warm-up refreshes are staggered across this, in their warm-up order, each with
 *     a random jitter, so that replicas starting together do not all try at once
 * @param refreshThreads the most refreshes running at once in this replica; their threads start on demand and end
 *     after 30 s idle. A cluster has at most one refresh at a time, so while fewer clusters refresh at once, a
 *     cluster whose API server stalls delays no other
 * @param refreshQueue refreshes that may wait for a thread once {@code refreshThreads} run; further ones are skipped
 * @param circuitOpenFor after a store failure, reads answer {@code unavailable} without trying the
 *     store for this long
 * @param warmUpMaxClusters warm-up refreshes at most this many clusters, the first in the warm-up
 *     order ({@link #NO_WARM_UP_LIMIT}: all of them)
 * @param askedFlushInterval how often a replica writes the times its clusters were asked for (kept in
 *     memory by each read) to the store
 * @param refreshDeadline how long a whole refresh may take, from the start of its count; write retries
 *     never go past it
 * @param writeAttempts how many times the counts of a finished count are tried to be written before the
 *     refresh ends {@code write-failed}
 * @param writeRetryDelay the wait before the first write retry; it doubles for each further one
 */
public record PodCountSettings(
        Duration freshFor,
        Duration staleFor,
        Duration retention,
        Duration backoffInitial,
        Duration backoffMax,
        Duration warmUpSpread,
        int refreshThreads,
        int refreshQueue,
        Duration circuitOpenFor,
        int warmUpMaxClusters,
        Duration askedFlushInterval,
        Duration refreshDeadline,
        int writeAttempts,
        Duration writeRetryDelay) {

    /** The {@code warmUpMaxClusters} that warms every cluster up. */
    public static final int NO_WARM_UP_LIMIT = Integer.MAX_VALUE;

    /**
     * Fresh 5 m, stale 10 m, retention 24 h, backoff 30 s to 5 m, warm-up spread 10 s, 32 threads,
     * queue 64, circuit open 1 s, every cluster warmed up, asked-for times flushed every 30 s, refresh deadline
     * 8 m, 5 write attempts 500 ms apart and doubling.
     */
    public static PodCountSettings defaults() {
        return builder().build();
    }

    /** A builder that starts from the {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder()
                .freshFor(freshFor)
                .staleFor(staleFor)
                .retention(retention)
                .backoffInitial(backoffInitial)
                .backoffMax(backoffMax)
                .warmUpSpread(warmUpSpread)
                .refreshThreads(refreshThreads)
                .refreshQueue(refreshQueue)
                .circuitOpenFor(circuitOpenFor)
                .warmUpMaxClusters(warmUpMaxClusters)
                .askedFlushInterval(askedFlushInterval)
                .refreshDeadline(refreshDeadline)
                .writeAttempts(writeAttempts)
                .writeRetryDelay(writeRetryDelay);
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

    /** Builds {@link PodCountSettings}; each setter names the record component it sets. */
    public static final class Builder {

        private Duration freshFor = Duration.ofMinutes(5);
        private Duration staleFor = Duration.ofMinutes(10);
        private Duration retention = Duration.ofHours(24);
        private Duration backoffInitial = Duration.ofSeconds(30);
        private Duration backoffMax = Duration.ofMinutes(5);
        private Duration warmUpSpread = Duration.ofSeconds(10);
        private int refreshThreads = 32;
        private int refreshQueue = 64;
        private Duration circuitOpenFor = Duration.ofSeconds(1);
        private int warmUpMaxClusters = NO_WARM_UP_LIMIT;
        private Duration askedFlushInterval = Duration.ofSeconds(30);
        private Duration refreshDeadline = Duration.ofMinutes(8);
        private int writeAttempts = 5;
        private Duration writeRetryDelay = Duration.ofMillis(500);

        private Builder() {}

        public Builder freshFor(Duration freshFor) {
            this.freshFor = freshFor;
            return this;
        }

        public Builder staleFor(Duration staleFor) {
            this.staleFor = staleFor;
            return this;
        }

        public Builder retention(Duration retention) {
            this.retention = retention;
            return this;
        }

        public Builder backoffInitial(Duration backoffInitial) {
            this.backoffInitial = backoffInitial;
            return this;
        }

        public Builder backoffMax(Duration backoffMax) {
            this.backoffMax = backoffMax;
            return this;
        }

        public Builder warmUpSpread(Duration warmUpSpread) {
            this.warmUpSpread = warmUpSpread;
            return this;
        }

        public Builder refreshThreads(int refreshThreads) {
            this.refreshThreads = refreshThreads;
            return this;
        }

        public Builder refreshQueue(int refreshQueue) {
            this.refreshQueue = refreshQueue;
            return this;
        }

        public Builder circuitOpenFor(Duration circuitOpenFor) {
            this.circuitOpenFor = circuitOpenFor;
            return this;
        }

        public Builder warmUpMaxClusters(int warmUpMaxClusters) {
            this.warmUpMaxClusters = warmUpMaxClusters;
            return this;
        }

        public Builder askedFlushInterval(Duration askedFlushInterval) {
            this.askedFlushInterval = askedFlushInterval;
            return this;
        }

        public Builder refreshDeadline(Duration refreshDeadline) {
            this.refreshDeadline = refreshDeadline;
            return this;
        }

        public Builder writeAttempts(int writeAttempts) {
            this.writeAttempts = writeAttempts;
            return this;
        }

        public Builder writeRetryDelay(Duration writeRetryDelay) {
            this.writeRetryDelay = writeRetryDelay;
            return this;
        }

        public PodCountSettings build() {
            return new PodCountSettings(freshFor, staleFor, retention, backoffInitial, backoffMax, warmUpSpread,
                    refreshThreads, refreshQueue, circuitOpenFor, warmUpMaxClusters, askedFlushInterval,
                    refreshDeadline, writeAttempts, writeRetryDelay);
        }
    }
}
