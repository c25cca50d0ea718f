package io.podtally.app.web;

import io.podtally.cache.PodCountCache;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.NodeCache;
import java.util.function.Function;

/**
 * Reads a cluster's {@link NodeListVersion} from the same sources the node list is answered from. The pod counts are
 * peeked at: following a cluster starts no refresh and does not count as a dashboard's question.
 */
final class NodeListVersions implements Function<String, NodeListVersion> {

    private final ClusterRegistry registry;
    private final PodCountCache podCounts;

    NodeListVersions(ClusterRegistry registry, PodCountCache podCounts) {
        this.registry = registry;
        this.podCounts = podCounts;
    }

    @Override
    public NodeListVersion apply(String name) {
        KubernetesCluster cluster = registry.find(name)
                .orElseThrow(() -> new IllegalStateException("unknown cluster " + name));
        NodeCache nodeCache = cluster.nodes();
        NodeCache.Snapshot nodes = nodeCache.snapshot();
        return NodeListVersion.of(cluster.name(), nodes, Responses.Informer.of(nodeCache, nodes.nodes().size()),
                podCounts.peek(cluster.name()), cluster.metrics().snapshot());
    }
}
