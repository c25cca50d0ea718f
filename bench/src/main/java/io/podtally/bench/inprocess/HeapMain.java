package io.podtally.bench.inprocess;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.openjdk.jol.info.GraphLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.cache.PodCountSnapshot;
import io.podtally.k8s.ClusterSettings;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.NodeMetricsCache;
import io.podtally.k8s.NodeView;
import io.podtally.k8s.PodCounterSettings;
import io.podtally.k8s.fabric8.Fabric8ClusterRegistry;

/**
 * The heap a replica holds for one cluster, measured in a JVM of its own: used heap after a full
 * GC before and after the cluster's registry entry (client, node informer, metrics) has loaded,
 * and the retained size (JOL) of the node views and of a pod-count snapshot of that many nodes.
 *
 * <p>Arguments: kubeconfig with one context, the context, output properties file.
 */
public final class HeapMain {

    private static final Logger log = LoggerFactory.getLogger(HeapMain.class);

    private HeapMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path kubeconfig = Path.of(args[0]);
        String context = args[1];
        Path output = Path.of(args[2]);
        ClusterSettings settings = new ClusterSettings(List.of(kubeconfig), false, Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofMinutes(3), Duration.ofSeconds(30), PodCounterSettings.defaults());
        Properties results = new Properties();
        long baseline = usedAfterGc();
        try (Fabric8ClusterRegistry registry = Fabric8ClusterRegistry.create(settings)) {
            registry.start();
            KubernetesCluster cluster = registry.find(context)
                    .orElseThrow(() -> new IllegalArgumentException("no context " + context + " in " + kubeconfig));
            if (!cluster.nodes().awaitSynced(Duration.ofMinutes(3))) {
                throw new IllegalStateException("node cache of " + context + " did not sync: " + cluster.nodes().lastError());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (cluster.metrics().state() == NodeMetricsCache.MetricsState.UNKNOWN && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            long loaded = usedAfterGc();
            List<NodeView> nodes = cluster.nodes().list();
            Map<String, Integer> counts = new HashMap<>();
            nodes.forEach(node -> counts.put(node.name(), 30));
            Instant now = Instant.now();
            PodCountSnapshot snapshot = new PodCountSnapshot(counts, now, now, now.plusSeconds(300),
                    now.plusSeconds(600), null, true, "paginated", 1, 30L * nodes.size(), 1, 0);
            results.setProperty("nodes", Integer.toString(nodes.size()));
            results.setProperty("metrics", cluster.metrics().state().name());
            results.setProperty("clusterGcDeltaBytes", Long.toString(loaded - baseline));
            results.setProperty("nodeViewsBytes", Long.toString(GraphLayout.parseInstance(nodes).totalSize()));
            results.setProperty("countSnapshotBytes", Long.toString(GraphLayout.parseInstance(snapshot).totalSize()));
            log.info("{}: {} nodes, {} bytes held after GC", context, nodes.size(), loaded - baseline);
        }
        try (Writer writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            results.store(writer, "heap held per cluster");
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
