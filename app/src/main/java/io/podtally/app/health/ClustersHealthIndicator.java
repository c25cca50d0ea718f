package io.podtally.app.health;

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

/**
 * Health details of every cluster (informer, nodes, metrics), with the pod-count store's beside them, as
 * {@code clusters} in {@code /actuator/health}. Not part of the readiness group: a Redis outage or a cluster that
 * cannot be reached degrades answers but must not take every replica out of the load balancer. Reports
 * {@code DEGRADED} (HTTP 200) when something is wrong. The details carry the full errors (API server URLs,
 * identities, RBAC text) and are shown only to requests with the admin token ({@link AdminHealthDetailsFilter}).
 */
public final class ClustersHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "serving with degraded answers");

    private final ClusterRegistry registry;
    private final PodCountStoreHealthIndicator store;

    public ClustersHealthIndicator(ClusterRegistry registry, PodCountBackend store) {
        this.registry = registry;
        this.store = new PodCountStoreHealthIndicator(store);
    }

    @Override
    public Health health() {
        Health storeHealth = store.health();
        boolean degraded = !Status.UP.equals(storeHealth.getStatus());
        Map<String, Object> clusters = new LinkedHashMap<>();
        for (KubernetesCluster cluster : registry.clusters()) {
            NodeCache nodes = cluster.nodes();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("informer", lower(nodes.state()));
            detail.put("nodes", nodes.list().size());
            if (nodes.lastError() != null) {
                detail.put("error", nodes.lastError());
            }
            if (nodes.errorCategory() != null) {
                detail.put("error_category", nodes.errorCategory().label());
            }
            detail.put("metrics", lower(cluster.metrics().state()));
            degraded |= nodes.state() != NodeCache.InformerState.SYNCED;
            clusters.put(cluster.name(), detail);
        }
        return Health.status(degraded ? DEGRADED : Status.UP)
                .withDetail("store", storeHealth.getDetails())
                .withDetail("clusters", clusters)
                .build();
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
