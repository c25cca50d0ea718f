package io.podtally.app.wiring;

import io.podtally.cache.PodCountSource;
import io.podtally.cache.SourceCounts;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.PodCountResult;
import java.util.function.BooleanSupplier;

/** Feeds the pod-count cache from the clusters' paginated pod counters; the cache's {@code keepGoing} is asked per page. */
public final class ClusterPodCountSource implements PodCountSource {

    static final String SOURCE = "paginated";

    private final ClusterRegistry registry;

    public ClusterPodCountSource(ClusterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public SourceCounts count(String cluster) {
        return count(cluster, () -> true);
    }

    @Override
    public SourceCounts count(String cluster, BooleanSupplier keepGoing) {
        KubernetesCluster target = registry.find(cluster)
                .orElseThrow(() -> new IllegalArgumentException("cluster " + cluster + " is not configured"));
        PodCountResult result = target.podCounter().count(keepGoing);
        return new SourceCounts(result.countsByNode(), result.complete(), result.pages(), result.pods(), SOURCE,
                result.failure());
    }
}
