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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("store=auto, mode=watch: replicas started before their Redis join the watch leases once it answers")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WatchAfterRedisIT {

    private static final String CLUSTER = "late-watch";
    private static final String NODES = "/api/v1/nodes?cluster_name=" + CLUSTER;
    private static final Duration SWITCH_LIMIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.autoBeforeRedis()
            .cluster(CLUSTER, SimulatedCluster.builder().nodes(10).activePods(250).seed(23)
                    .bookmarkInterval(Duration.ofSeconds(1)))
            .replicas(2)
            .property("podtally.podcounts.mode", "watch")
            .property("podtally.podcounts.watch-flush", "200ms")
            .property("podtally.podcounts.warm-up", "false")
            .property("podtally.podcounts.page-size", "100")
            .property("podtally.store-retry-interval", "500ms")
            .property("podtally.store-retry-max-interval", "1s");

    @Test
    @Order(1)
    @DisplayName("while no Redis answers, no replica holds a watch lease and the counts come from the paginated refresh")
    void paginatedWhileWaiting() {
        for (Replica replica : deployment.replicas()) {
            awaitExact(replica.api(), Duration.ofSeconds(30));
            JsonNode body = replica.api().json(NODES);
            assertThat(body.at("/pod_counts/source").asString()).isNotEqualTo("informer");
            JsonNode holder = replica.api().json("/api/v1/clusters").at("/data/0/watch/holder");
            assertThat(holder.isMissingNode() || holder.isNull()).as("no lease holder: %s", holder).isTrue();
        }
        assertThat(deployment.cluster().openPodWatches()).isZero();
    }

    @Test
    @Order(2)
    @DisplayName("once Redis answers, one replica takes the lease, one watch serves the cluster and every replica "
            + "answers counts from source informer that follow pod changes")
    void joinsWatchModeWhenRedisAnswers() {
        SimulatedCluster sim = deployment.cluster();
        deployment.redis().restart();

        await().atMost(SWITCH_LIMIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(holders()).hasSize(1);
            for (Replica replica : deployment.replicas()) {
                assertThat(replica.api().json("/api/v1/clusters").at("/data/0/watch/state").asString())
                        .isEqualTo("watching");
                assertThat(replica.api().json(NODES).at("/pod_counts/source").asString()).isEqualTo("informer");
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.openPodWatches() == 1);
        assertThat(deployment.redis().cli("EXISTS", "podtally:{" + CLUSTER + "}:watch-holder")).isEqualTo("1");

        sim.resetRequestCounts();
        List<String> nodes = sim.nodeNames();
        sim.addPods(nodes.get(2), 4);
        sim.removePods(nodes.get(3), 1);
        for (Replica replica : deployment.replicas()) {
            awaitExact(replica.api(), Duration.ofSeconds(5));
        }
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isZero();
        assertThat(holders()).hasSize(1);
    }

    private static Set<String> holders() {
        return deployment.replicas().stream()
                .map(r -> r.api().json("/api/v1/clusters").at("/data/0/watch/holder"))
                .filter(n -> !n.isMissingNode() && !n.isNull())
                .map(JsonNode::asString)
                .collect(Collectors.toSet());
    }

    private static void awaitExact(ApiClient api, Duration limit) {
        SimulatedCluster sim = deployment.cluster();
        await().atMost(limit).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Map<String, Integer> expected = new HashMap<>();
            Map<String, Integer> truth = sim.activePodsByNode();
            sim.nodeNames().forEach(n -> expected.put(n, truth.getOrDefault(n, 0)));
            JsonNode body = api.json(NODES);
            assertThat(body.at("/pod_counts/state").asString()).isEqualTo("fresh");
            Map<String, Integer> counts = new HashMap<>();
            body.get("data").forEach(n -> counts.put(n.get("name").asString(),
                    n.get("pod_count").isNull() ? null : n.get("pod_count").asInt()));
            assertThat(counts).isEqualTo(expected);
        });
    }
}
