package io.podtally.app.web;

import io.podtally.cache.PodCountBackend;
import io.podtally.cache.PodCountCache;
import io.podtally.cache.StoreUnavailableException;
import io.podtally.cache.WatchLeases;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.NodeCache;
import io.podtally.k8s.NodeMetricsCache;
import io.podtally.k8s.NodeView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The configured clusters and where each stands. */
@RestController
@Tag(name = "clusters")
final class ClusterController {

    private final ClusterRegistry registry;
    private final PodCountCache podCounts;
    private final PodCountBackend store;
    private final WatchLeases watchLeases;

    ClusterController(ClusterRegistry registry, PodCountCache podCounts, PodCountBackend store,
            WatchLeases watchLeases) {
        this.registry = registry;
        this.podCounts = podCounts;
        this.store = store;
        this.watchLeases = watchLeases;
    }

    @GetMapping(path = "/api/v1/clusters", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Every configured cluster with the state of its node informer, metrics and pod counts, "
            + "the kubeconfig contexts rejected for their names, and the pod-count store this replica uses now")
    ResponseEntity<Responses.Clusters> clusters() {
        List<Responses.ClusterInfo> data = registry.clusters().stream().map(this::info).toList();
        List<Responses.Rejected> rejected = registry.rejected().stream().map(Responses.Rejected::of).toList();
        return ResponseEntity.ok().cacheControl(CacheControl.noCache())
                .body(new Responses.Clusters(200, Responses.SUCCESS, data, rejected, store.kind()));
    }

    private Responses.ClusterInfo info(KubernetesCluster cluster) {
        NodeCache nodes = cluster.nodes();
        NodeMetricsCache metrics = cluster.metrics();
        List<NodeView> known = nodes.list();
        return new Responses.ClusterInfo(
                cluster.name(),
                Responses.Informer.of(nodes, nodes.synced() ? known.size() : 0),
                new Responses.Metrics(Responses.label(metrics.state()),
                        metrics.fetchedAt() == null ? null : metrics.fetchedAt().toString()),
                PodCountsInfo.of(podCounts.peek(cluster.name()), known),
                watch(cluster.name()));
    }

    private Responses.Watch watch(String cluster) {
        if (!watchLeases.enabled()) {
            return null;
        }
        try {
            return watchLeases.holder(cluster)
                    .map(h -> new Responses.Watch(h.replica(), h.since().toString(), h.state()))
                    .orElseGet(() -> new Responses.Watch(null, null, "none"));
        } catch (StoreUnavailableException e) {
            return new Responses.Watch(null, null, "unknown");
        }
    }
}
