package io.podtally.app.web;

import io.podtally.app.config.ApiProperties;
import io.podtally.k8s.ClusterNames;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.NodeCache;
import java.time.Duration;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Resolves the cluster a request names. A name that is malformed or not configured is refused here, before it can
 * reach the pod-count store.
 */
@Component
final class ClusterLookup {

    private final ClusterRegistry registry;
    private final ApiProperties api;

    ClusterLookup(ClusterRegistry registry, ApiProperties api) {
        this.registry = registry;
        this.api = api;
    }

    /** The configured cluster called {@code name}; 400 for a missing or malformed name, 404 for an unknown one. */
    KubernetesCluster require(String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest("cluster_name is required");
        }
        ClusterNames.requireValid(name);
        return registry.find(name).orElseThrow(() -> ApiException.notFound("unknown cluster: " + name));
    }

    /**
     * The cluster's node cache once it has synced: waits a bounded moment for a cache whose first sync can still be
     * expected, then gives up with 503 and {@code Retry-After}. Past the sync deadline of a cache that never synced
     * (an API server unreachable from the start) it answers 503 at once, so such requests do not hold threads.
     */
    NodeCache syncedNodes(KubernetesCluster cluster) {
        NodeCache nodes = cluster.nodes();
        boolean expected = nodes.firstSyncExpected();
        if (nodes.synced() || nodes.awaitSynced(expected ? api.syncWait() : Duration.ZERO)) {
            return nodes;
        }
        String state = nodes.state().name().toLowerCase(Locale.ROOT);
        throw ApiException.unavailable(expected
                ? "the node list of cluster " + cluster.name() + " is not loaded yet (informer " + state
                        + "); retry shortly"
                : "the node list of cluster " + cluster.name() + " is not loaded yet: the first list did not complete"
                        + " within the sync deadline (informer " + state + "); retrying in the background",
                api.retryAfter());
    }
}
