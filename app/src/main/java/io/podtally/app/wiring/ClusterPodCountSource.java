package io.podtally.app.wiring;

import io.podtally.cache.PodCountSource;
import io.podtally.cache.SourceCounts;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.NodeCache;
import io.podtally.k8s.NodeView;
import io.podtally.k8s.PodCountResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Feeds the pod-count cache from the clusters' paginated pod counters; the cache's {@code keepGoing} is asked per
 * page. The counts carry the uids of the nodes the
 * cluster's node cache holds when the list begins: a node that joins, or is re-created under its name, after that is
 * not counted yet. A count that begins while the node cache's first sync can still be expected (a warm-up at start)
 * waits up to 10 s for it; when the node cache has not synced, the counts do not say
 * which nodes they cover.
 */
public final class ClusterPodCountSource implements PodCountSource {

    static final String SOURCE = "paginated";
    private static final Duration NODE_SYNC_WAIT = Duration.ofSeconds(10);

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
        Set<String> nodeUids = nodeUids(target.nodes());
        PodCountResult result = target.podCounter().count(keepGoing);
        return new SourceCounts(result.countsByNode(), result.complete(), result.pages(), result.pods(), SOURCE,
                result.failure(), nodeUids, result.failureCategory());
    }

    private static Set<String> nodeUids(NodeCache nodes) {
        boolean synced = nodes.synced()
                || (nodes.firstSyncExpected() && nodes.awaitSynced(NODE_SYNC_WAIT) && nodes.synced());
        if (!synced) {
            return null;
        }
        return nodes.snapshot().nodes().stream()
                .map(NodeView::uid)
                .filter(Objects::nonNull)
                .collect(Collectors.toSet());
    }
}
