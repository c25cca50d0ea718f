package io.podtally.k8s;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the clusters come from and how podtally talks to them.
 *
 * @param kubeconfigs kubeconfig files; one cluster per context, named after it (empty: none)
 * @param inCluster whether to add the cluster podtally runs in (service account), named {@code in-cluster}
 * @param connectTimeout connection timeout of each client
 * @param requestTimeout request timeout of each client (a pod page has its own, longer timeout)
 * @param informerSyncTimeout how long a node informer may take for its first list before it is reported degraded
 * @param metricsRefreshInterval how often node metrics are polled (only while the cluster is being asked for)
 * @param podCounter the pod counter's settings
 */
public record ClusterSettings(
        List<Path> kubeconfigs,
        boolean inCluster,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration informerSyncTimeout,
        Duration metricsRefreshInterval,
        PodCounterSettings podCounter) {

    public ClusterSettings {
        kubeconfigs = List.copyOf(kubeconfigs);
    }
}
