package io.podtally.app.wiring;

import io.podtally.cache.RefreshingPodCountCache;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * Once the application is ready: starts the clusters' node informers and metrics polling, then, when warm-up is on,
 * warms the pod counts of the clusters up, those asked for most recently first (at most
 * {@code warm-up-max-clusters}). Both run in the background; neither delays start-up or readiness.
 */
public final class BackgroundStart {

    private static final Logger log = LoggerFactory.getLogger(BackgroundStart.class);

    private final ClusterRegistry registry;
    private final RefreshingPodCountCache cache;
    private final boolean warmUp;

    public BackgroundStart(ClusterRegistry registry, RefreshingPodCountCache cache, boolean warmUp) {
        this.registry = registry;
        this.cache = cache;
        this.warmUp = warmUp;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        registry.start();
        List<String> clusters = registry.clusters().stream().map(KubernetesCluster::name).toList();
        if (!warmUp || clusters.isEmpty()) {
            return;
        }
        cache.warmUp(clusters).whenComplete((outcomes, failure) -> {
            if (failure != null) {
                log.warn("Pod-count warm-up failed: {}", failure.toString());
            } else {
                log.info("Pod-count warm-up done: {}", outcomes);
            }
        });
    }
}
