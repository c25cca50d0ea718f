package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.k8s.sim.SimulatedCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("The API server goes away while dashboards keep asking")
class ApiServerOutageIT {

    private static final String NODES = "/api/v1/nodes?cluster_name=away";

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster("away", SimulatedCluster.builder().nodes(6).activePods(90).seed(9))
            .property("podtally.clusters.informer-sync-timeout", "2s")
            .property("podtally.clusters.metrics-refresh-interval", "1s");

    @Test
    @DisplayName("answers keep their nodes and counts, flagged degraded with the reason; the flag clears once the server is back")
    void outageFlaggedAndRecovered() {
        ApiClient api = deployment.api();
        SimulatedCluster sim = deployment.cluster();
        JsonNode before = await().atMost(Duration.ofSeconds(20)).until(() -> api.json(NODES),
                body -> "fresh".equals(body.at("/pod_counts/state").asString())
                        && "available".equals(body.at("/metrics/state").asString()));
        assertThat(before.at("/informer/state").asString()).isEqualTo("synced");
        assertThat(before.at("/informer/last_error").isNull()).isTrue();
        String etag = api.get(NODES).headers().firstValue("ETag").orElseThrow();

        sim.stop();

        JsonNode during = await().atMost(Duration.ofSeconds(30)).until(() -> api.json(NODES),
                body -> "degraded".equals(body.at("/informer/state").asString()));
        assertThat(during.at("/informer/last_error").asString()).isEqualTo("unreachable");
        assertThat(during.get("data")).hasSize(sim.nodeNames().size());
        assertThat(during.at("/pod_counts/state").asString()).isEqualTo("fresh");
        during.get("data").forEach(node -> assertThat(node.get("pod_count").asInt())
                .isEqualTo(sim.activePodsByNode().getOrDefault(node.get("name").asString(), 0)));
        HttpResponse<String> revalidated = api.get(NODES, "If-None-Match", etag);
        assertThat(revalidated.statusCode()).as("the degraded flag is not hidden behind a 304").isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "unavailable".equals(api.json(NODES).at("/metrics/state").asString()));

        sim.start();

        JsonNode after = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> api.json(NODES), body -> "synced".equals(body.at("/informer/state").asString())
                        && "available".equals(body.at("/metrics/state").asString()));
        assertThat(after.at("/informer/last_error").isNull()).isTrue();
        assertThat(after.get("data")).hasSize(sim.nodeNames().size());
    }
}
