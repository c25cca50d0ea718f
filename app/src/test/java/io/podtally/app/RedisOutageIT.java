package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.k8s.sim.SimulatedCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("Redis outage while requests keep coming")
class RedisOutageIT {

    private static final String NODES = "/api/v1/nodes?cluster_name=outage";

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster("outage", SimulatedCluster.builder().nodes(8).activePods(120).seed(5));

    @Test
    @DisplayName("every request answers 200 with nodes and unavailable counts, quickly; counts return with Redis")
    void outage() {
        ApiClient api = deployment.api();
        SimulatedCluster sim = deployment.cluster();
        awaitCounts(api);

        deployment.redis().stop();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                "unavailable".equals(api.json(NODES).at("/pod_counts/state").asString()));
        for (int i = 0; i < 20; i++) {
            long started = System.nanoTime();
            HttpResponse<String> response = api.get(NODES);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(elapsed).isLessThan(Duration.ofSeconds(1));
            JsonNode body = ApiClient.parse(response.body());
            assertThat(body.get("data")).hasSize(sim.nodeNames().size());
            assertThat(body.at("/pod_counts/state").asString()).isEqualTo("unavailable");
            body.get("data").forEach(node -> assertThat(node.get("pod_count").isNull()
                    || node.get("pod_count").asInt() == sim.activePodsByNode().getOrDefault(
                            node.get("name").asString(), 0)).isTrue());
        }
        assertThat(api.json("/actuator/health/readiness").get("status").asString()).isEqualTo("UP");
        assertThat(api.json("/actuator/health").get("status").asString()).isEqualTo("DEGRADED");
        assertThat(api.get("/api/v1/pod-counts?cluster_name=outage").statusCode()).isEqualTo(200);

        deployment.redis().restart();
        awaitCounts(api);
    }

    @Test
    @DisplayName("the admin endpoints are off without a token")
    void adminOff() {
        HttpResponse<String> response = deployment.api().post("/api/v1/admin/clusters/outage/pod-counts/refresh",
                "Authorization", "Bearer anything");

        ApiContractIT.assertError(response, 404, "no such resource");
    }

    private static void awaitCounts(ApiClient api) {
        SimulatedCluster sim = deployment.cluster();
        Map<String, Integer> expected = new HashMap<>();
        sim.nodeNames().forEach(name -> expected.put(name, sim.activePodsByNode().getOrDefault(name, 0)));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode body = api.json(NODES);
            assertThat(body.at("/pod_counts/state").asString()).isEqualTo("fresh");
            Map<String, Integer> counts = new HashMap<>();
            body.get("data").forEach(n -> counts.put(n.get("name").asString(), n.get("pod_count").asInt()));
            assertThat(counts).isEqualTo(expected);
        });
    }
}
