package io.podtally.k8s;

import java.time.Duration;

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

    /**
     * A new, not yet started, watch of the cluster's pods; its list runs as {@link #podCounter()}'s does.
     *
     * @param backoffInitial the wait after a failed or partial list (doubles each time)
     * @param backoffMax the longest wait between lists
     */
    PodWatch newPodWatch(Duration backoffInitial, Duration backoffMax);
}
