package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.podtally.k8s.sim.SimulatedCluster;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

@DisplayName("Clusters named after EKS and OpenShift contexts, end to end")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EksAndOpenShiftContextsIT {

    private static final String TOKEN = "eks-admin-token";
    private static final String EKS = "arn:aws:eks:eu-west-1:123456789012:cluster/prod";
    private static final String OPENSHIFT = "ns/api-host:6443/user";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster(EKS, SimulatedCluster.builder().nodes(5).activePods(60).seed(21)
                    .pageLatency(Duration.ofMillis(200)))
            .cluster(OPENSHIFT, SimulatedCluster.builder().nodes(3).activePods(30).seed(22)
                    .pageLatency(Duration.ofMillis(200)))
            .property("podtally.admin.token", TOKEN)
            .property("podtally.podcounts.page-size", "20");

    private static String query(String cluster) {
        return "?cluster_name=" + URLEncoder.encode(cluster, StandardCharsets.UTF_8);
    }

    private static JsonNode awaitPodCounts(String cluster, String state) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> deployment.api().json("/api/v1/pod-counts" + query(cluster)),
                        body -> state.equals(body.at("/data/state").asString()));
    }

    private static void awaitNoRefresh() {
        MeterRegistry meters = deployment.replica().bean(MeterRegistry.class);
        await().atMost(WAIT).until(() -> meters.get("podtally.podcounts.refresh.active").gauge().value() == 0);
    }

    private static Map<String, Integer> counts(JsonNode podCounts) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        podCounts.at("/data/counts").properties().forEach(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {EKS, OPENSHIFT})
    @DisplayName("admin endpoints reach a context whose name has '/' through cluster_name: node list, pod counts, "
            + "invalidate, refresh")
    void adminEndpointsReachContextsWithSlashesByQuery(String cluster) {
        ApiClient api = deployment.api();
        SimulatedCluster sim = deployment.cluster(cluster);
        String auth = "Bearer " + TOKEN;

        await().atMost(WAIT).until(() -> api.get("/api/v1/nodes" + query(cluster)).statusCode() == 200);
        JsonNode nodes = api.json("/api/v1/nodes" + query(cluster));
        assertThat(nodes.get("data").valueStream().map(n -> n.get("name").asString()))
                .containsExactlyElementsOf(sim.nodeNames());
        JsonNode fresh = awaitPodCounts(cluster, "fresh");
        assertThat(fresh.at("/data/cluster").asString()).isEqualTo(cluster);
        assertThat(counts(fresh)).isEqualTo(sim.activePodsByNode());
        awaitNoRefresh();

        HttpResponse<String> invalidated = api.post("/api/v1/admin/pod-counts/invalidate" + query(cluster),
                "Authorization", auth);

        assertThat(invalidated.statusCode()).isEqualTo(202);
        JsonNode invalidatedBody = ApiClient.parse(invalidated.body());
        assertThat(invalidatedBody.get("cluster").asString()).isEqualTo(cluster);
        assertThat(invalidatedBody.get("action").asString()).isEqualTo("invalidate");
        assertThat(deployment.redis().cli("EXISTS", "podtally:{" + cluster + "}:podcounts")).isEqualTo("0");
        assertThat(api.json("/api/v1/nodes" + query(cluster)).at("/pod_counts/state").asString()).isEqualTo("loading");
        long generation = awaitPodCounts(cluster, "fresh").at("/data/generation").asLong();
        awaitNoRefresh();

        HttpResponse<String> refreshed = api.post("/api/v1/admin/pod-counts/refresh" + query(cluster),
                "Authorization", auth);

        assertThat(refreshed.statusCode()).isEqualTo(202);
        JsonNode refreshedBody = ApiClient.parse(refreshed.body());
        assertThat(refreshedBody.get("cluster").asString()).isEqualTo(cluster);
        assertThat(refreshedBody.get("action").asString()).isEqualTo("refresh");
        JsonNode after = await().atMost(WAIT).until(() -> api.json("/api/v1/pod-counts" + query(cluster)),
                body -> body.at("/data/generation").asLong() > generation);
        assertThat(counts(after)).isEqualTo(sim.activePodsByNode());
    }

    @Test
    @DisplayName("the query form answers like the path form: 400 without cluster_name, 404 for an unknown one, "
            + "401 without the token")
    void queryFormErrors() {
        ApiClient api = deployment.api();
        String auth = "Bearer " + TOKEN;

        HttpResponse<String> missing = api.post("/api/v1/admin/pod-counts/refresh", "Authorization", auth);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(ApiClient.parse(missing.body()).get("message").asString()).contains("cluster_name is required");
        HttpResponse<String> unknown = api.post("/api/v1/admin/pod-counts/invalidate" + query("arn:aws:eks:x:1:cluster/none"),
                "Authorization", auth);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(ApiClient.parse(unknown.body()).get("code").asInt()).isEqualTo(404);
        assertThat(api.post("/api/v1/admin/pod-counts/refresh" + query(EKS)).statusCode()).isEqualTo(401);
    }
}
