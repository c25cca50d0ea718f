package io.podtally.app.config;

import io.podtally.cache.PodCountBackend;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.NodeCache;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * Health details of the pod-count store and of every cluster (informer, nodes, metrics), as
 * {@code clusters} in {@code /actuator/health}. Not part of the readiness group: a Redis outage or a cluster that
 * cannot be reached degrades answers but must not take every replica out of the load balancer. Reports
 * {@code DEGRADED} (HTTP 200) when something is wrong.
 */
@Component("clusters")
final class ClustersHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "serving with degraded answers");

    private final ClusterRegistry registry;
    private final PodCountBackend backend;

    ClustersHealthIndicator(ClusterRegistry registry, PodCountBackend backend) {
        this.registry = registry;
        this.backend = backend;
    }

    @Override
    public Health health() {
        boolean degraded = false;
        Map<String, Object> store = new LinkedHashMap<>();
        store.put("kind", backend.kind());
        String problem = backend.problem();
        store.put("status", problem == null ? "up" : "down");
        if (problem != null) {
            store.put("error", problem);
            degraded = true;
        }
        if (backend.eventsSubscribed() != null) {
            store.put("events", backend.eventsSubscribed() ? "subscribed" : "not subscribed");
        }
        if (backend.clockSkew() != null) {
            store.put("clock_skew_ms", backend.clockSkew().toMillis());
            if (backend.clockSkewed()) {
                store.put("clock", "this replica's clock is off from the Redis server's: pod counts turn stale "
                        + "earlier or later here than on the others; synchronize the clocks");
            }
        }
        Map<String, Object> clusters = new LinkedHashMap<>();
        for (KubernetesCluster cluster : registry.clusters()) {
            NodeCache nodes = cluster.nodes();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("informer", lower(nodes.state()));
            detail.put("nodes", nodes.list().size());
            if (nodes.lastError() != null) {
                detail.put("error", nodes.lastError());
            }
            detail.put("metrics", lower(cluster.metrics().state()));
            degraded |= nodes.state() != NodeCache.InformerState.SYNCED;
            clusters.put(cluster.name(), detail);
        }
        return Health.status(degraded ? DEGRADED : Status.UP)
                .withDetail("store", store)
                .withDetail("clusters", clusters)
                .build();
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
