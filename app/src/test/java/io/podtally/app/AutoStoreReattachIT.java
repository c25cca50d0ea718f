package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("store=auto: a replica started before its Redis switches to it when it answers")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AutoStoreReattachIT {

    private static final String CLUSTER = "late";
    private static final String ADMIN_TOKEN = "auto-store-admin";
    private static final String KEY = "podtally:{late}:podcounts";
    private static final String NODES = "/api/v1/nodes?cluster_name=" + CLUSTER;
    private static final String SWITCHES = "/actuator/metrics/podtally.store.switches";
    private static final Duration SWITCH_LIMIT = Duration.ofSeconds(10);
    private static final Duration COUNT_LIMIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.autoBeforeRedis()
            .cluster(CLUSTER, SimulatedCluster.builder().nodes(12).activePods(300).seed(17))
            .replicas(2)
            .property("podtally.podcounts.warm-up", "false")
            .property("podtally.podcounts.page-size", "100")
            .property("podtally.store-retry-interval", "500ms")
            .property("podtally.store-retry-max-interval", "1s")
            .property("podtally.admin.token", ADMIN_TOKEN);

    @Test
    @Order(1)
    @DisplayName("while no Redis answers, each replica counts in memory, and health and /api/v1/clusters say it waits for Redis")
    void countsInMemoryWhileWaiting() {
        for (Replica replica : deployment.replicas()) {
            ApiClient api = replica.api();
            awaitTruth(api);

            JsonNode health = api.health(ADMIN_TOKEN);
            assertThat(health.at("/components/clusters/status").asString()).isEqualTo("DEGRADED");
            assertThat(health.at("/components/clusters/details/store/kind").asString())
                    .isEqualTo("memory (waiting for Redis)");
            assertThat(health.at("/components/clusters/details/store/waiting").asString()).contains("Redis");
            assertThat(api.json("/api/v1/clusters").get("store").asString()).isEqualTo("memory (waiting for Redis)");
            assertThat(switches(api)).isZero();
        }
    }

    @Test
    @Order(2)
    @DisplayName("once Redis answers, both replicas switch within seconds, share one LIST through the hash and count the switch once")
    void switchesWhenRedisAnswers() {
        List<Replica> replicas = deployment.replicas();
        replicas.forEach(replica -> awaitTruth(replica.api()));
        SimulatedCluster sim = deployment.cluster();
        sim.resetRequestCounts();

        deployment.redis().restart();

        await().atMost(SWITCH_LIMIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (Replica replica : replicas) {
                assertThat(replica.api().health(ADMIN_TOKEN).at("/components/clusters/details/store/kind")
                        .asString()).isEqualTo("redis");
            }
        });
        JsonNode first = awaitTruth(replicas.get(0).api());
        JsonNode second = awaitTruth(replicas.get(1).api());

        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
        assertThat(deployment.redis().cli("EXISTS", KEY)).isEqualTo("1");
        assertThat(second.get("pod_counts")).isEqualTo(first.get("pod_counts"));
        for (Replica replica : replicas) {
            ApiClient api = replica.api();
            await().atMost(SWITCH_LIMIT).untilAsserted(() -> {
                JsonNode health = api.health(ADMIN_TOKEN);
                assertThat(health.at("/components/clusters/status").asString()).isEqualTo("UP");
                assertThat(health.at("/components/clusters/details/store/events").asString()).isEqualTo("subscribed");
            });
            assertThat(api.json("/api/v1/clusters").get("store").asString()).isEqualTo("redis");
            assertThat(switches(api)).isEqualTo(1.0);
        }
    }

    /** Waits until the replica answers fresh counts equal to the simulated cluster's; returns that answer. */
    private static JsonNode awaitTruth(ApiClient api) {
        SimulatedCluster sim = deployment.cluster();
        Map<String, Integer> expected = new HashMap<>();
        sim.nodeNames().forEach(name -> expected.put(name, sim.activePodsByNode().getOrDefault(name, 0)));
        JsonNode[] answer = new JsonNode[1];
        await().atMost(COUNT_LIMIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> response = api.get(NODES);
            assertThat(response.statusCode()).isEqualTo(200);
            // an answer standing in for one being built is the previous answer: the truth is the one after it
            assertThat(response.headers().firstValue("X-Podtally-Stand-In")).isEmpty();
            JsonNode body = ApiClient.parse(response.body());
            assertThat(body.at("/pod_counts/state").asString()).isEqualTo("fresh");
            Map<String, Integer> counts = new HashMap<>();
            body.get("data").forEach(n -> counts.put(n.get("name").asString(), n.get("pod_count").asInt()));
            assertThat(counts).isEqualTo(expected);
            answer[0] = body;
        });
        return answer[0];
    }

    private static double switches(ApiClient api) {
        return api.json(SWITCHES).at("/measurements/0/value").asDouble();
    }
}
