package io.podtally.app.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.podtally.app.config.ApiProperties;
import io.podtally.k8s.ClusterSettings;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.NodeCache;
import io.podtally.k8s.PodCounterSettings;
import io.podtally.k8s.fabric8.Fabric8ClusterRegistry;
import io.podtally.k8s.sim.SimulatedCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpStatus;

@DisplayName("Within the sync deadline after start, a request to a cluster that never synced waits for its first sync")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FirstSyncWaitIT {

    private static final Duration SYNC_DEADLINE = Duration.ofSeconds(30);

    private SimulatedCluster sim;
    private Fabric8ClusterRegistry registry;

    @BeforeEach
    void startWithTheApiServerDown() throws IOException {
        sim = SimulatedCluster.builder().nodes(3).activePods(6).seed(8).start();
        Path kubeconfig = Files.createTempFile("podtally-late", ".yaml");
        sim.writeKubeconfig(kubeconfig, "late");
        sim.stop();
        registry = Fabric8ClusterRegistry.create(new ClusterSettings(List.of(kubeconfig), false,
                Duration.ofSeconds(1), Duration.ofSeconds(5), SYNC_DEADLINE, Duration.ofSeconds(1),
                PodCounterSettings.defaults()));
        registry.start();
    }

    @AfterEach
    void stop() {
        registry.close();
        sim.close();
    }

    private static ApiProperties syncWait(Duration wait) {
        return new ApiProperties(wait, Duration.ofSeconds(3), 5000, 1000, Duration.ofSeconds(15));
    }

    @Test
    @DisplayName("the request waits while the API server is down, and answers with the nodes once the first list "
            + "completes")
    void neverSyncedClusterWaitsForItsFirstSyncWithinTheSyncDeadline() throws Exception {
        ClusterLookup lookup = new ClusterLookup(registry, syncWait(Duration.ofSeconds(20)));
        KubernetesCluster cluster = lookup.require("late");
        assertThat(cluster.nodes().firstSyncExpected()).isTrue();

        CompletableFuture<NodeCache> answered = CompletableFuture.supplyAsync(() -> lookup.syncedNodes(cluster));

        await("no 503 at once: the request waits").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> !answered.isDone());
        sim.start();
        NodeCache nodes = answered.get(20, TimeUnit.SECONDS);
        assertThat(nodes.list()).hasSize(3);
    }

    @Test
    @DisplayName("the wait is bounded by sync-wait: 503 with Retry-After when no first sync came within it")
    void waitIsBoundedBySyncWait() {
        ClusterLookup lookup = new ClusterLookup(registry, syncWait(Duration.ofSeconds(1)));
        KubernetesCluster cluster = lookup.require("late");

        long started = System.nanoTime();
        assertThatThrownBy(() -> lookup.syncedNodes(cluster))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                    assertThat(e.headers().getFirst("Retry-After")).isEqualTo("3");
                    assertThat(e.getMessage()).contains("late").contains("retry shortly");
                });
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        assertThat(cluster.nodes().firstSyncExpected()).as("still within the sync deadline").isTrue();
    }
}
