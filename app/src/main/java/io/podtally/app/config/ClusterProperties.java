package io.podtally.app.config;

import io.podtally.app.wiring.PropertyChecks;
import io.podtally.k8s.ClusterSettings;
import io.podtally.k8s.PodCounterSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the Kubernetes clusters come from and how podtally talks to them.
 *
 * @param kubeconfig kubeconfig files, one cluster per context, named after it; when not set, {@code $KUBECONFIG} or
 *     {@code ~/.kube/config} if present; set it to an empty value to use no kubeconfig at all
 * @param inCluster whether to serve the cluster podtally runs in (service account), named {@code in-cluster}
 * @param connectTimeout connection timeout of each Kubernetes client
 * @param requestTimeout request timeout of each Kubernetes client (a pod page has its own, longer timeout)
 * @param informerSyncTimeout how long a node informer may take for its first list before it is reported degraded
 * @param metricsRefreshInterval how often node metrics are polled while a cluster is being asked for
 */
@ConfigurationProperties("podtally.clusters")
public record ClusterProperties(
        List<Path> kubeconfig,
        @DefaultValue("false") boolean inCluster,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue("30s") Duration informerSyncTimeout,
        @DefaultValue("30s") Duration metricsRefreshInterval) {

    public ClusterProperties {
        kubeconfig = kubeconfig == null ? null : List.copyOf(kubeconfig);
        PropertyChecks.requirePositive("podtally.clusters.connect-timeout", connectTimeout);
        PropertyChecks.requirePositive("podtally.clusters.request-timeout", requestTimeout);
        PropertyChecks.requirePositive("podtally.clusters.informer-sync-timeout", informerSyncTimeout);
        PropertyChecks.requirePositive("podtally.clusters.metrics-refresh-interval", metricsRefreshInterval);
    }

    /** Whether {@code podtally.clusters.kubeconfig} was set (possibly to nothing). */
    public boolean kubeconfigConfigured() {
        return kubeconfig != null;
    }

    /** The k8s-module's settings for {@code kubeconfigs} (the configured or default files). */
    public ClusterSettings settings(List<Path> kubeconfigs, PodCounterSettings podCounter) {
        return new ClusterSettings(kubeconfigs, inCluster, connectTimeout, requestTimeout, informerSyncTimeout,
                metricsRefreshInterval, podCounter);
    }
}
