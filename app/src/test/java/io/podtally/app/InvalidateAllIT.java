package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("invalidate-all on one of two replicas: every key deleted one by one, one LIST per cluster, staggered")
class InvalidateAllIT {

    private static final List<String> CLUSTERS = List.of("alpha", "bravo", "charlie", "delta");
    private static final String TOKEN = "invalidate-all-token";
    private static final Duration SPREAD = Duration.ofSeconds(4);
    private static final String PATH = "/api/v1/admin/pod-counts/invalidate-all";

    @RegisterExtension
    static final PodtallyDeployment deployment = withClusters(PodtallyDeployment.onRedis())
            .replicas(2)
            .property("podtally.admin.token", TOKEN)
            .property("podtally.podcounts.mode", "paginated")
            // no start-up warm-up, whose own staggered refreshes would mix with those measured here
            .property("podtally.podcounts.warm-up", "false")
            .property("podtally.podcounts.warm-up-spread", SPREAD.toMillis() + "ms");

    private static PodtallyDeployment withClusters(PodtallyDeployment deployment) {
        for (int i = 0; i < CLUSTERS.size(); i++) {
            deployment.cluster(CLUSTERS.get(i), SimulatedCluster.builder().nodes(5).activePods(60).seed(40 + i));
        }
        return deployment;
    }

    @Test
    @DisplayName("refused without the admin token")
    void needsToken() {
        assertThat(deployment.api().post(PATH).statusCode()).isEqualTo(401);
    }

    @Test
    @Timeout(120)
    @DisplayName("202 names every cluster and the spread; each cluster is listed once, not all at once, and every "
            + "replica answers fresh again")
    void invalidatesAllStaggered() {
        CLUSTERS.forEach(name -> deployment.api().get("/api/v1/pod-counts?cluster_name=" + name));
        awaitAllFresh();
        CLUSTERS.forEach(name -> deployment.cluster(name).resetRequestCounts());

        long sent = System.nanoTime();
        HttpResponse<String> answer = deployment.replicas().get(0).api().post(PATH, "Authorization", "Bearer " + TOKEN);

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonNode body = ApiClient.parse(answer.body());
        assertThat(body.get("action").asString()).isEqualTo("invalidate-all");
        assertThat(strings(body.get("clusters"))).containsExactlyInAnyOrderElementsOf(CLUSTERS);
        assertThat(strings(body.get("refreshing"))).containsExactlyInAnyOrderElementsOf(CLUSTERS);
        assertThat(strings(body.get("refused"))).isEmpty();
        assertThat(body.get("spread_seconds").asDouble()).isEqualTo(SPREAD.toMillis() / 1000.0);
        for (String name : CLUSTERS) {
            assertThat(deployment.redis().cli("EXISTS", "podtally:{" + name + "}:podcounts")).isIn("0", "1");
        }

        Map<String, Long> firstListAfterMillis = new HashMap<>();
        await().atMost(SPREAD.plusSeconds(30)).pollInterval(Duration.ofMillis(25)).until(() -> {
            for (String name : CLUSTERS) {
                if (!firstListAfterMillis.containsKey(name)
                        && deployment.cluster(name).requestCounts().get(RequestKind.POD_LIST_SEQUENCES) > 0) {
                    firstListAfterMillis.put(name, (System.nanoTime() - sent) / 1_000_000);
                }
            }
            return firstListAfterMillis.size() == CLUSTERS.size();
        });
        awaitAllFresh();

        for (String name : CLUSTERS) {
            assertThat(deployment.cluster(name).requestCounts().get(RequestKind.POD_LIST_SEQUENCES))
                    .as("lists of %s", name).isEqualTo(1);
        }
        // Each of the 4 clusters refreshes at a random point of its own quarter of the spread: the first within the
        // first quarter, the last within the last, so at least half the spread lies between them.
        long first = firstListAfterMillis.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long last = firstListAfterMillis.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(last - first).as("first lists at %s ms after the request", firstListAfterMillis)
                .isGreaterThanOrEqualTo(SPREAD.toMillis() / 2 - 250);
    }

    private static void awaitAllFresh() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (Replica replica : deployment.replicas()) {
                JsonNode clusters = replica.api().json("/api/v1/clusters");
                List<String> states = new ArrayList<>();
                clusters.get("data").valueStream().forEach(c -> states.add(c.at("/pod_counts/state").asString()));
                assertThat(states).hasSize(CLUSTERS.size()).containsOnly("fresh");
            }
        });
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.valueStream().forEach(v -> values.add(v.asString()));
        return values;
    }
}
