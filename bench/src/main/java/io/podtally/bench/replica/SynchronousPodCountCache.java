package io.podtally.bench.replica;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountCache;
import io.podtally.cache.PodCountView;
import io.podtally.cache.RefreshOutcome;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.PodCountResult;

/**
 * The seed's original design, for comparison only: no cache at all; every read lists every pod
 * page by page on the request thread and answers when the last page has arrived.
 */
final class SynchronousPodCountCache implements PodCountCache {

    private final ClusterRegistry clusters;
    private final AtomicLong generation = new AtomicLong();

    SynchronousPodCountCache(ClusterRegistry clusters) {
        this.clusters = clusters;
    }

    @Override
    public PodCountView read(String cluster) {
        KubernetesCluster target = clusters.find(cluster)
                .orElseThrow(() -> new IllegalArgumentException("unknown cluster " + cluster));
        PodCountResult result = target.podCounter().count();
        return new PodCountView(cluster, result.complete() ? FreshnessState.FRESH : FreshnessState.PARTIAL,
                result.countsByNode(), Instant.now(), 0L, result.complete(), "paginated", generation.incrementAndGet());
    }

    /** Nothing is kept, so nothing is known without counting. */
    @Override
    public PodCountView peek(String cluster) {
        return new PodCountView(cluster, FreshnessState.LOADING, Map.of(), null, null, null, null, 0L);
    }

    /** Every read counts anew, at this replica's time. */
    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    /** Nothing is kept, so there is nothing to refresh. */
    @Override
    public CompletableFuture<RefreshOutcome> refresh(String cluster) {
        return CompletableFuture.completedFuture(RefreshOutcome.SKIPPED_FRESH);
    }

    /** Nothing is kept, so there is nothing to invalidate. */
    @Override
    public void invalidate(String cluster) {
        // every read counts anew
    }
}
