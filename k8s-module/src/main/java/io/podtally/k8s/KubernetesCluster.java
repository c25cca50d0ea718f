package io.podtally.k8s;

/** One Kubernetes cluster: its nodes, their metrics and its pod counter. */
public interface KubernetesCluster {

    /** The cluster's name (its kubeconfig context, or {@code in-cluster}). */
    String name();

    /** The cluster's node cache, fed by a slim node informer. */
    NodeCache nodes();

    /** The cluster's node metrics (metrics.k8s.io), cached for a short time. */
    NodeMetricsCache metrics();

    /** Counts active pods per node with a paginated LIST. */
    PodCounter podCounter();
}
