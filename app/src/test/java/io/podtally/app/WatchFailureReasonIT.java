package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("watch mode: why a watched cluster has no counts is stored with its snapshot and shown by every replica")
class WatchFailureReasonIT {

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster("good", SimulatedCluster.builder().nodes(3).activePods(20).seed(3))
            .forbiddenCluster("refused", SimulatedCluster.builder().nodes(3).activePods(20).seed(4))
            .replicas(2)
            .property("podtally.podcounts.mode", "watch")
            // only the watch lists: no warm-up, and the test reads the overview, which starts no refresh
            .property("podtally.podcounts.warm-up", "false");

    @Test
    @Timeout(90)
    @DisplayName("the lease holder's list is refused with 403: last_failure forbidden on both replicas, in the hash as "
            + "@last_error; the good cluster has none")
    void forbiddenListRecorded() {
        for (Replica replica : deployment.replicas()) {
            JsonNode counts = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(
                    () -> podCounts(replica, "refused"), data -> !data.get("last_failure").isNull());
            assertThat(counts.at("/last_failure/category").asString()).isEqualTo("forbidden");
            assertThat(counts.get("state").asString()).isEqualTo("loading");
        }
        assertThat(deployment.redis().cli("HGET", "podtally:{refused}:podcounts", "@last_error")).isEqualTo("forbidden");

        JsonNode good = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(
                () -> podCounts(deployment.replica(), "good"), data -> "fresh".equals(data.get("state").asString()));
        assertThat(good.get("source").asString()).isEqualTo("informer");
        assertThat(good.get("last_failure").isNull()).isTrue();
    }

    /** The cluster's pod_counts in the overview, which starts no refresh. */
    private static JsonNode podCounts(Replica replica, String cluster) {
        for (JsonNode entry : replica.api().json("/api/v1/clusters").get("data")) {
            if (cluster.equals(entry.get("name").asString())) {
                return entry.get("pod_counts");
            }
        }
        throw new AssertionError("no cluster " + cluster + " in /api/v1/clusters");
    }
}
