package io.podtally.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
     * The clock the counts' ages and freshness are measured on: with Redis, the Redis server's time as this replica
     * measures it. An answer built from a view some time after its read gives the age on this clock.
     */
    Clock clock();

    /**
     * Starts a refresh of {@code cluster} now, through the same one-per-cluster lock, ignoring
     * freshness and backoff (the admin {@code refresh}).
     */
    CompletableFuture<RefreshOutcome> refresh(String cluster);

    /** Deletes the cluster's counts; every replica reads {@code loading} next. */
    void invalidate(String cluster);

    /**
     * Deletes the counts of each of {@code clusters}, one key at a time (never one command over several keys, which a
     * Redis Cluster refuses), and refreshes them in the background staggered over {@link InvalidateAll#spread()}.
     * This default refreshes nothing itself: each cluster is counted when next asked for.
     *
     * @throws StoreUnavailableException when the store cannot be reached (the clusters deleted so far stay deleted)
     */
    default InvalidateAll invalidateAll(Collection<String> clusters) {
        List<String> invalidated = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String cluster : new LinkedHashSet<>(clusters)) {
            try {
                invalidate(cluster);
                invalidated.add(cluster);
            } catch (StoreKeyException e) {
                refused.add(cluster);
            }
        }
        return new InvalidateAll(invalidated, refused, List.of(), Duration.ZERO,
                CompletableFuture.completedFuture(Map.of()));
    }

    /**
     * What {@link #invalidateAll} did.
     *
     * @param invalidated the clusters whose counts were deleted, in the order given
     * @param refused the clusters whose key the store refused ({@link StoreKeyException}); left as they were
     * @param refreshed the clusters refreshed in the background, in the order of their refreshes
     * @param spread the refreshes are staggered across this
     * @param outcomes the outcome per refreshed cluster, once every refresh has ended
     */
    record InvalidateAll(List<String> invalidated, List<String> refused, List<String> refreshed, Duration spread,
            CompletableFuture<Map<String, RefreshOutcome>> outcomes) {

        public InvalidateAll {
            invalidated = List.copyOf(invalidated);
            refused = List.copyOf(refused);
            refreshed = List.copyOf(refreshed);
        }
    }
}
