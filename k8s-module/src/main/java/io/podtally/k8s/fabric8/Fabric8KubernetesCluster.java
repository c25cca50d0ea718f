package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podtally.k8s.ClusterSettings;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.PodCounter;
import io.podtally.k8s.PodWatch;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/** One cluster: its client, node cache, node metrics and pod counter. */
public final class Fabric8KubernetesCluster implements KubernetesCluster, AutoCloseable {

    private final String name;
    private final KubernetesClient client;
    private final Fabric8NodeCache nodes;
    private final Fabric8NodeMetricsCache metrics;
    private final Fabric8PodCounter podCounter;
    private final ClusterSettings settings;

    /**
     * @param name the cluster's (valid) name
     * @param client the cluster's client; closed with the cluster
     * @param settings timeouts and intervals
     * @param nodeScheduler runs the node caches' state checks and restarts
     * @param metricsScheduler runs the metrics polls
     */
    Fabric8KubernetesCluster(String name, KubernetesClient client, ClusterSettings settings,
            ScheduledExecutorService nodeScheduler, ScheduledExecutorService metricsScheduler) {
        this.name = name;
        this.client = client;
        this.nodes = new Fabric8NodeCache(name, client, settings.informerSyncTimeout(), nodeScheduler);
        this.metrics = new Fabric8NodeMetricsCache(name, client, settings.metricsRefreshInterval(), metricsScheduler);
        this.podCounter = new Fabric8PodCounter(client, settings.podCounter());
        this.settings = settings;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Fabric8NodeCache nodes() {
        return nodes;
    }

    @Override
    public Fabric8NodeMetricsCache metrics() {
        return metrics;
    }

    @Override
    public PodCounter podCounter() {
        return podCounter;
    }

    @Override
    public PodWatch newPodWatch(Duration backoffInitial, Duration backoffMax) {
        return new Fabric8PodWatch(name, client, settings.podCounter(), backoffInitial, backoffMax);
    }

    /** The cluster's fabric8 client. */
    public KubernetesClient client() {
        return client;
    }

    /** Starts the node informer and a first metrics poll in the background. */
    public void start() {
        nodes.start();
        metrics.start();
    }

    @Override
    public void close() {
        nodes.close();
        metrics.close();
        client.close();
    }

    @Override
    public String toString() {
        return "KubernetesCluster[" + name + " at " + Fabric8Clients.address(client.getMasterUrl()) + "]";
    }
}
