package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.podtally.k8s.ClusterNames;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.ClusterRegistryException;
import io.podtally.k8s.ClusterSettings;
import io.podtally.k8s.InvalidClusterNameException;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.RejectedCluster;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clusters podtally serves, each with its own fabric8 client (its own credentials, timeouts and
 * connections): one per kubeconfig context, named after it, and the cluster podtally runs in
 * ({@code in-cluster}) when asked for. The clients share one HTTP runtime ({@link Fabric8Runtime}),
 * so the threads of a replica do not grow with the number of clusters.
 */
public final class Fabric8ClusterRegistry implements ClusterRegistry {

    private static final Logger log = LoggerFactory.getLogger(Fabric8ClusterRegistry.class);

    private static final int MAX_METRICS_THREADS = 4;

    private final Map<String, Fabric8KubernetesCluster> clusters;
    private final List<KubernetesCluster> ordered;
    private final List<RejectedCluster> rejected;
    private final ScheduledExecutorService nodeScheduler;
    private final ScheduledExecutorService metricsScheduler;
    private final Fabric8Runtime runtime;

    private Fabric8ClusterRegistry(Map<String, Config> configs, List<RejectedCluster> rejected, ClusterSettings settings) {
        this.rejected = List.copyOf(rejected);
        Map<String, Config> valid = new LinkedHashMap<>();
        configs.forEach((name, config) -> {
            try {
                valid.put(ClusterNames.requireValid(name), config);
            } catch (InvalidClusterNameException e) {
                throw new ClusterRegistryException("cluster " + Kubeconfigs.quote(name) + " is refused: " + e.getMessage());
            }
        });
        this.nodeScheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("podtally-nodes"));
        this.metricsScheduler = Executors.newScheduledThreadPool(
                Math.max(1, Math.min(MAX_METRICS_THREADS, valid.size())), daemonThreads("podtally-metrics"));
        this.runtime = new Fabric8Runtime();
        Map<String, Fabric8KubernetesCluster> created = new TreeMap<>();
        try {
            valid.forEach((name, config) -> created.put(name, new Fabric8KubernetesCluster(name,
                    client(name, config, settings, runtime), settings, nodeScheduler, metricsScheduler)));
        } catch (RuntimeException e) {
            created.values().forEach(Fabric8KubernetesCluster::close);
            nodeScheduler.shutdownNow();
            metricsScheduler.shutdownNow();
            runtime.close();
            throw e;
        }
        this.clusters = Collections.unmodifiableMap(created);
        this.ordered = List.copyOf(created.values());
    }

    /**
     * The clusters of every context in {@code settings.kubeconfigs()}, plus {@code in-cluster} when
     * {@code settings.inCluster()}. Nothing is started yet. A context whose name is not a valid cluster name is skipped with a warning and listed in {@link #rejected()}.
     *
     * @throws ClusterRegistryException when a file is missing, unreadable or invalid, or the in-cluster
     *     configuration is asked for and absent
     */
    public static Fabric8ClusterRegistry create(ClusterSettings settings) {
        Kubeconfigs.Loaded loaded = Kubeconfigs.load(settings.kubeconfigs());
        Map<String, Config> configs = new LinkedHashMap<>(loaded.configs());
        if (settings.inCluster()) {
            if (configs.containsKey(Fabric8Clients.IN_CLUSTER)) {
                log.warn("A kubeconfig context is called '{}'; it is used instead of the service account",
                        Fabric8Clients.IN_CLUSTER);
            } else {
                configs.put(Fabric8Clients.IN_CLUSTER, Fabric8Clients.inCluster());
            }
        }
        if (configs.isEmpty()) {
            log.warn("No Kubernetes cluster configured (kubeconfig files: {}, in-cluster: {})", settings.kubeconfigs(),
                    settings.inCluster());
        } else {
            log.info("Kubernetes clusters: {}", configs.keySet());
        }
        return new Fabric8ClusterRegistry(configs, loaded.rejected(), settings);
    }

    /**
     * The given clusters, by name; {@code settings.kubeconfigs()} and {@code settings.inCluster()}
     * are not used. The settings' timeouts are applied to the given configurations.
     *
     * @throws ClusterRegistryException when a name is not a valid cluster name
     */
    public static Fabric8ClusterRegistry of(Map<String, Config> clusters, ClusterSettings settings) {
        return new Fabric8ClusterRegistry(clusters, List.of(), settings);
    }

    /** {@code $KUBECONFIG} split on the path separator, or {@code ~/.kube/config} when it exists, or nothing. */
    public static List<Path> defaultKubeconfigs() {
        return defaultKubeconfigs(System.getenv("KUBECONFIG"), Path.of(System.getProperty("user.home")));
    }

    static List<Path> defaultKubeconfigs(String kubeconfigVariable, Path home) {
        if (kubeconfigVariable != null && !kubeconfigVariable.isBlank()) {
            List<Path> paths = new ArrayList<>();
            Arrays.stream(kubeconfigVariable.split(File.pathSeparator))
                    .filter(p -> !p.isBlank())
                    .map(Path::of)
                    .filter(p -> !paths.contains(p))
                    .forEach(paths::add);
            return List.copyOf(paths);
        }
        Path config = home.resolve(".kube").resolve("config");
        return Files.isRegularFile(config) ? List.of(config) : List.of();
    }

    @Override
    public List<KubernetesCluster> clusters() {
        return ordered;
    }

    @Override
    public Optional<KubernetesCluster> find(String name) {
        if (!ClusterNames.isValid(name)) {
            return Optional.empty();
        }
        return Optional.ofNullable(clusters.get(name));
    }

    @Override
    public List<RejectedCluster> rejected() {
        return rejected;
    }

    @Override
    public void start() {
        clusters.values().forEach(Fabric8KubernetesCluster::start);
    }

    @Override
    public void close() {
        clusters.values().forEach(Fabric8KubernetesCluster::close);
        nodeScheduler.shutdownNow();
        metricsScheduler.shutdownNow();
        try {
            nodeScheduler.awaitTermination(5, TimeUnit.SECONDS);
            metricsScheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtime.close();
    }

    @Override
    public String toString() {
        return "Fabric8ClusterRegistry" + clusters.keySet();
    }

    private static KubernetesClient client(String name, Config config, ClusterSettings settings, Fabric8Runtime runtime) {
        try {
            return Fabric8Clients.create(config, settings, runtime);
        } catch (KubernetesClientException e) {
            throw new ClusterRegistryException("cluster '" + name + "': cannot create a client ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
