package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.podtally.k8s.PodCounterSettings;
import io.podtally.k8s.PodWatch;
import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Fabric8PodWatch on the simulated cluster")
@Timeout(60)
class Fabric8PodWatchIT {

    private static final PodCounterSettings SETTINGS = new PodCounterSettings(200, Duration.ofSeconds(10), 100,
            Duration.ofSeconds(30), 3, Duration.ofSeconds(2));

    private SimulatedCluster sim;
    private KubernetesClient client;
    private Fabric8PodWatch watch;

    @BeforeEach
    void start() {
        sim = SimulatedCluster.builder().nodes(20).activePods(1500).seed(4).bookmarkInterval(Duration.ofMillis(200))
                .start();
        Config config = Config.fromKubeconfig(sim.kubeconfigYaml("sim"));
        config.setRequestRetryBackoffLimit(0);
        client = new KubernetesClientBuilder().withConfig(config).build();
        watch = new Fabric8PodWatch("sim", client, SETTINGS, Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        watch.close();
        client.close();
        sim.close();
    }

    private void awaitExact() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PodWatch.Counts counts = watch.counts();
            assertThat(counts).isNotNull();
            assertThat(counts.complete()).isTrue();
            assertThat(counts.countsByNode()).isEqualTo(sim.activePodsByNode());
        });
    }

    @Test
    @DisplayName("lists once in pages, then follows adds, deletes, bindings and completions with the watch alone")
    void listsOnceThenWatches() {
        sim.resetRequestCounts();
        watch.start();
        awaitExact();
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.status().state() == PodWatch.State.WATCHING);
        String node = sim.nodeNames().get(6);
        long version = watch.status().version();
        sim.addPods(node, 5);
        sim.removePods(sim.nodeNames().get(7), 2);
        sim.completePods(sim.nodeNames().get(8), 3);
        sim.addUnscheduledPods(2);
        sim.schedulePods(sim.nodeNames().get(9), 2);
        awaitExact();
        assertThat(watch.status().version()).isGreaterThan(version);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_PAGES)).isGreaterThan(1);
        assertThat(sim.requestCounts().get(RequestKind.POD_WATCHES)).isEqualTo(1);
    }

    @Test
    @DisplayName("a watch the server ends is resumed from the last resource version, without a list")
    void resumesWithoutList() {
        watch.start();
        awaitExact();
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.openPodWatches() == 1);
        // fabric8 takes a watch that ends cleanly within 2 s of its start, before any message, for a 410 Gone
        sim.addPods(sim.nodeNames().get(2), 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.status().events() >= 1);
        sim.resetRequestCounts();
        sim.endWatches();
        sim.addPods(sim.nodeNames().get(3), 4);
        awaitExact();
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.requestCounts().get(RequestKind.POD_WATCHES) >= 1);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).as("%s %s", sim.requestCounts(),
                watch.status()).isZero();
        assertThat(watch.status().lists()).isEqualTo(1);
    }

    @Test
    @DisplayName("410 Gone on resuming the watch lists again, once")
    void goneRelistsOnce() {
        watch.start();
        awaitExact();
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.openPodWatches() == 1);
        sim.resetRequestCounts();
        sim.addPods(sim.nodeNames().get(3), 4);
        sim.compact();
        sim.addPods(sim.nodeNames().get(4), 1);
        awaitExact();
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.status().state() == PodWatch.State.WATCHING);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
        assertThat(watch.status().lists()).isEqualTo(2);
    }

    @Test
    @DisplayName("relist drops what is known and lists from scratch")
    void relistOnDemand() {
        watch.start();
        awaitExact();
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.status().state() == PodWatch.State.WATCHING);
        sim.resetRequestCounts();
        watch.relist();
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.status().lists() == 2
                && watch.status().state() == PodWatch.State.WATCHING);
        awaitExact();
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
    }

    @Test
    @DisplayName("a list that fails part way gives partial counts, backs off, and lists again until complete")
    void partialThenComplete() {
        sim.failPage(3, 500);
        watch.start();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(watch.counts()).isNotNull();
            assertThat(watch.counts().complete()).isFalse();
            assertThat(watch.status().state()).isEqualTo(PodWatch.State.BACKING_OFF);
        });
        sim.clearFaults();
        awaitExact();
    }
}
