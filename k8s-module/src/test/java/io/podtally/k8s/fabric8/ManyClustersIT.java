package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.NodeMetricsCache.MetricsState;
import io.podtally.k8s.PodCountResult;
import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@DisplayName("A registry of many clusters")
class ManyClustersIT {

    private static final Logger log = LoggerFactory.getLogger(ManyClustersIT.class);
    private static final int CLUSTERS = 40;

    private SimulatedCluster sim;
    private Fabric8ClusterRegistry registry;

    @AfterEach
    void tearDown() {
        if (registry != null) {
            registry.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    @DisplayName("40 clusters, each synced, polled for metrics and counted, share one HTTP runtime: a bounded number of threads, none left after close")
    void threadsDoNotGrowWithClusters() {
        sim = SimulatedCluster.builder().nodes(3).activePods(30).start();
        Set<Long> before = TestThreads.live();
        Map<String, Config> configs = new LinkedHashMap<>();
        for (int i = 0; i < CLUSTERS; i++) {
            configs.put("c" + i, Config.fromKubeconfig(sim.kubeconfigYaml("c" + i)));
        }
        registry = Fabric8ClusterRegistry.of(configs, TestNodes.settings(Duration.ofSeconds(30)));

        registry.start();
        for (KubernetesCluster cluster : registry.clusters()) {
            assertThat(cluster.nodes().awaitSynced(Duration.ofSeconds(60))).as(cluster.name()).isTrue();
            PodCountResult counted = cluster.podCounter().count();
            assertThat(counted.complete()).as(cluster.name()).isTrue();
            assertThat(counted.countsByNode()).as(cluster.name()).isEqualTo(sim.activePodsByNode());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> registry.clusters().stream()
                .allMatch(c -> c.metrics().state() == MetricsState.AVAILABLE));

        // one client per cluster used to bring its own Vert.x (event loops, a blocked-thread checker) and task pool:
        // about 7 threads per cluster
        List<String> started = TestThreads.startedSince(before);
        log.info("{} clusters run on {} threads started for them: {}", CLUSTERS, started.size(), started);
        assertThat(started).filteredOn(name -> name.equals("vertx-blocked-thread-checker")).hasSize(1);
        assertThat(started).filteredOn(name -> name.startsWith("vert.x-eventloop-thread-"))
                .hasSizeLessThanOrEqualTo(Fabric8Runtime.EVENT_LOOPS);
        assertThat(started).hasSizeLessThan(CLUSTERS);

        registry.close();
        registry = null;
        // fabric8's process-wide scheduler retires itself within 20 s of its last task; Cleaner-0 is the JDK cleaner
        // Netty starts once per process
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TestThreads.startedSince(before))
                .filteredOn(name -> !name.startsWith("CachedSingleThreadScheduler") && !name.startsWith("Cleaner-"))
                .isEmpty());
    }
}
