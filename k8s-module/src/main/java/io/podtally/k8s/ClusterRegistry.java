package io.podtally.k8s;

import java.util.List;
import java.util.Optional;

/** The Kubernetes clusters podtally serves. */
public interface ClusterRegistry extends AutoCloseable {

    /** The clusters, in a stable order (by name). */
    List<KubernetesCluster> clusters();

    /** The cluster called {@code name}, if configured. Never throws for a bad name; returns empty. */
    Optional<KubernetesCluster> find(String name);

    /** The kubeconfig contexts that are not served because of their names, in file order; none by default. */
    default List<RejectedCluster> rejected() {
        return List.of();
    }

    /** Starts the node informers and metrics polling of every cluster in the background; never blocks. */
    void start();

    @Override
    void close();
}
