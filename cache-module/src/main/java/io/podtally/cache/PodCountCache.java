package io.podtally.cache;

import java.util.concurrent.CompletableFuture;

/**
 * The shared pod-count cache: reads never wait for a count; at most one refresh per cluster runs
 * across all replicas.
 */
public interface PodCountCache {

    /**
     * Reads the counts of {@code cluster} and, when the state calls for it, starts one background
     * refresh. Returns at once; never blocks on counting, never throws for a store failure (the
     * state is then {@link FreshnessState#UNAVAILABLE}).
     */
    PodCountView read(String cluster);

    /**
     * The counts of {@code cluster} as {@link #read} would answer them, for an overview of every
     * cluster: not noted as asked for (warm-up order) and starting no refresh, so listing a fleet
     * counts nothing. Returns at once; never throws for a store failure.
     */
    PodCountView peek(String cluster);

    /**
     * Starts a refresh of {@code cluster} now, through the same one-per-cluster lock, ignoring
     * freshness and backoff (the admin {@code refresh}).
     */
    CompletableFuture<RefreshOutcome> refresh(String cluster);

    /** Deletes the cluster's counts; every replica reads {@code loading} next. */
    void invalidate(String cluster);
}
