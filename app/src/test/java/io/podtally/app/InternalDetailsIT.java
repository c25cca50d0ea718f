package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.k8s.sim.SimulatedCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("Internal details without authentication: answers carry error categories, the full text needs the admin token")
@Timeout(120)
class InternalDetailsIT {

    private static final String ADMIN_TOKEN = "internal-details-admin-token";
    private static final String REDIS_PASSWORD = "redis-secret-8d1f0c";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .redisPassword(REDIS_PASSWORD)
            .cluster("open", SimulatedCluster.builder().nodes(3).activePods(20).seed(3))
            .forbiddenCluster("locked", SimulatedCluster.builder().nodes(3).activePods(20).seed(4))
            .property("podtally.admin.token", ADMIN_TOKEN)
            .property("podtally.clusters.informer-sync-timeout", "2s");

    @Test
    @DisplayName("no unauthenticated answer (API, event stream, actuator, OpenAPI, page) names the API server, the "
            + "kubeconfig's token or the Redis password; "
            + "the health details for the admin token carry the full error")
    void unauthenticatedAnswersCarryNoInternals() {
        ApiClient api = deployment.api();
        SimulatedCluster locked = deployment.cluster("locked");
        SimulatedCluster open = deployment.cluster("open");
        JsonNode clusters = await().atMost(WAIT).until(() -> api.json("/api/v1/clusters"),
                body -> "degraded".equals(cluster(body, "locked").at("/informer/state").asString()));
        assertThat(cluster(clusters, "locked").at("/informer/last_error").asString()).isEqualTo("forbidden");
        await().atMost(WAIT).until(() -> "fresh".equals(
                api.json("/api/v1/pod-counts?cluster_name=open").at("/data/state").asString()));
        api.get("/api/v1/pod-counts?cluster_name=locked");
        String node = open.nodeNames().get(0);

        Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
        for (String path : List.of("/api/v1/clusters", "/api/v1/nodes?cluster_name=open",
                "/api/v1/nodes?cluster_name=locked", "/api/v1/nodes/" + node + "?cluster_name=open",
                "/api/v1/nodes/" + node + "?cluster_name=locked", "/api/v1/pod-counts?cluster_name=open",
                "/api/v1/pod-counts?cluster_name=locked", "/actuator/health", "/actuator/health/liveness",
                "/actuator/health/readiness", "/actuator/health/clusters", "/api/v1/nodes",
                "/api/v1/nodes?cluster_name=unknown", "/api/v1/no-such-resource", "/api/v1/features",
                "/actuator/info", "/actuator/metrics", "/actuator/metrics/podtally.informer.state",
                "/actuator/prometheus", "/v3/api-docs", "/", "/app.js")) {
            answers.put("GET " + path, api.get(path));
        }
        answers.put("GET /actuator/health with a wrong token",
                api.get("/actuator/health", "Authorization", "Bearer " + SimulatedCluster.TOKEN));
        answers.put("POST refresh without a token", api.post("/api/v1/admin/clusters/locked/pod-counts/refresh"));
        answers.put("POST refresh with a wrong token", api.post("/api/v1/admin/clusters/locked/pod-counts/refresh",
                "Authorization", "Bearer wrong"));

        List<String> secrets = List.of(SimulatedCluster.TOKEN, REDIS_PASSWORD, locked.url(), open.url(),
                "127.0.0.1:" + locked.port(), "system:serviceaccount");
        Map<String, String> texts = new LinkedHashMap<>();
        answers.forEach((request, response) -> texts.put(request + " answered " + response.statusCode(),
                response.headers().map() + " " + response.body()));
        for (String cluster : List.of("open", "locked")) {
            texts.put("GET /api/v1/events?cluster_name=" + cluster + " (its first event)", firstEvent(cluster));
        }
        texts.forEach((request, text) -> assertThat(secrets).as(request + ": " + text).noneMatch(text::contains));
        assertThat(answers.get("GET /actuator/health").statusCode()).isEqualTo(200);
        assertThat(answers.get("GET /actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(answers.get("GET /actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(answers.get("GET /api/v1/nodes?cluster_name=locked").statusCode()).isEqualTo(503);
        assertThat(answers.get("GET /actuator/prometheus").body()).contains("podtally_informer_state");
        assertThat(texts.get("GET /api/v1/events?cluster_name=locked (its first event)"))
                .contains("\"informer\":\"degraded\"");

        HttpResponse<String> admin = api.get("/actuator/health", "Authorization", "Bearer " + ADMIN_TOKEN);
        JsonNode lockedHealth = ApiClient.parse(admin.body()).at("/components/clusters/details/clusters/locked");
        assertThat(lockedHealth.get("error").asString()).contains("403").contains("127.0.0.1:" + locked.port());
        assertThat(lockedHealth.get("error_category").asString()).isEqualTo("forbidden");
    }

    /** The headers and the first event of a stream of {@code cluster} opened without credentials. */
    private static String firstEvent(String cluster) {
        try (SseClient stream = SseClient.open(deployment.replica(), cluster, null)) {
            assertThat(stream.status()).as("event stream of " + cluster).isEqualTo(200);
            SseClient.Event first = await().atMost(WAIT).until(stream::events, events -> !events.isEmpty()).get(0);
            return stream.response().headers().map() + " " + first.name() + " " + first.data();
        }
    }

    private static JsonNode cluster(JsonNode clusters, String name) {
        for (JsonNode cluster : clusters.get("data")) {
            if (name.equals(cluster.get("name").asString())) {
                return cluster;
            }
        }
        throw new AssertionError("no cluster " + name + " in " + clusters);
    }
}
