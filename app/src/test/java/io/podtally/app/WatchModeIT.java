package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("Watch mode: one watch per cluster for three replicas")
@Timeout(240)
class WatchModeIT {

    private static final String CLUSTER = "watched";
    private static final String NODES = "/api/v1/nodes?cluster_name=" + CLUSTER;
    private static final String KEY = "podtally:{" + CLUSTER + "}:podcounts";

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster(CLUSTER, SimulatedCluster.builder().nodes(12).activePods(600).seed(21)
                    .bookmarkInterval(Duration.ofSeconds(1)))
            .replicas(3)
            .property("podtally.podcounts.mode", "watch")
            .property("podtally.podcounts.watch-flush", "200ms")
            .property("podtally.podcounts.page-size", "100")
            .property("podtally.podcounts.lock-watchdog-timeout", "5s")
            .property("podtally.podcounts.warm-up", "false");

    private static SimulatedCluster sim() {
        return deployment.cluster();
    }

    @BeforeEach
    void holderWatching() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(holders()).hasSize(1);
            assertThat(deployment.api().json("/api/v1/clusters").at("/data/0/watch/state").asString())
                    .isEqualTo("watching");
        });
        awaitExactEverywhere(Duration.ofSeconds(10));
    }

    @Test
    @DisplayName("exactly one replica holds the lease; a stream of pod changes is exact on every replica within 2 s")
    void oneHolderExactEverywhere() {
        sim().resetRequestCounts();
        List<String> nodes = sim().nodeNames();
        for (int i = 0; i < 5; i++) {
            sim().addPods(nodes.get(3 + i), 3);
            sim().removePods(nodes.get(4 + i), 1);
            sim().completePods(nodes.get(5 + i), 2);
        }
        awaitExactEverywhere(Duration.ofSeconds(2));
        assertThat(holders()).hasSize(1);
        assertThat(sim().requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isZero();
        assertThat(deployment.api().json(NODES).at("/pod_counts/source").asString()).isEqualTo("informer");
    }

    @Test
    @DisplayName("410 Gone on resuming the watch: exactly one relist, and the counts stay exact")
    void goneRelistsOnce() {
        sim().resetRequestCounts();
        sim().addPods(sim().nodeNames().get(6), 2);
        sim().compact();
        sim().addPods(sim().nodeNames().get(7), 1);
        awaitExactEverywhere(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> sim().openPodWatches() == 1);
        assertThat(sim().requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
    }

    @Test
    @DisplayName("redis-cli DEL of the hash: every replica answers loading, then exact after one relist")
    void deleteRelists() {
        Duration latency = sim().pageLatency();
        sim().resetRequestCounts();
        sim().pageLatency(Duration.ofSeconds(5));
        try {
            deployment.redis().cli("DEL", KEY);
            for (Replica replica : deployment.replicas()) {
                JsonNode body = replica.api().json(NODES);
                assertThat(body.at("/pod_counts/state").asString()).isEqualTo("loading");
            }
        } finally {
            sim().pageLatency(latency);
        }
        awaitExactEverywhere(Duration.ofSeconds(15));
        assertThat(sim().requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
    }

    @Test
    @DisplayName("Redis restarts: the lease is taken again and the counts recover")
    void redisRestart() {
        deployment.redis().restart();
        sim().addPods(sim().nodeNames().get(8), 2);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(holders()).hasSize(1));
        awaitExactEverywhere(Duration.ofSeconds(30));
    }

    private static Set<String> holders() {
        return deployment.replicas().stream()
                .map(r -> r.api().json("/api/v1/clusters").at("/data/0/watch/holder"))
                .filter(n -> !n.isMissingNode() && !n.isNull())
                .map(JsonNode::asString)
                .collect(Collectors.toSet());
    }

    private static void awaitExactEverywhere(Duration limit) {
        await().atMost(limit).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Map<String, Integer> expected = new HashMap<>();
            Map<String, Integer> truth = sim().activePodsByNode();
            sim().nodeNames().forEach(n -> expected.put(n, truth.getOrDefault(n, 0)));
            for (Replica replica : deployment.replicas()) {
                JsonNode body = replica.api().json(NODES);
                assertThat(body.at("/pod_counts/state").asString()).isEqualTo("fresh");
                Map<String, Integer> counts = new HashMap<>();
                body.get("data").forEach(n -> counts.put(n.get("name").asString(),
                        n.get("pod_count").isNull() ? null : n.get("pod_count").asInt()));
                assertThat(counts).isEqualTo(expected);
            }
        });
    }
}
