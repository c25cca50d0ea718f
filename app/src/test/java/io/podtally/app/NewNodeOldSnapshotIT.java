package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("New node, old snapshot: a node the snapshot did not count is not counted yet, never 0")
@Timeout(120)
class NewNodeOldSnapshotIT {

    private static final String TOKEN = "new-node-admin-token";
    private static final String NODES = "/api/v1/nodes?cluster_name=grow";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster("grow", SimulatedCluster.builder().nodes(5).activePods(60).seed(11).emptyNodeShare(0))
            .property("podtally.admin.token", TOKEN);

    @Test
    @DisplayName("a node that joins after a complete snapshot, or is re-created under its name, is null and counted "
            + "as uncounted until the next refresh, after which its count is exact")
    void newAndRecreatedNodesAreNotCountedYet() {
        ApiClient api = deployment.api();
        SimulatedCluster sim = deployment.cluster();
        JsonNode counted = await().atMost(WAIT).until(() -> api.json(NODES),
                body -> "fresh".equals(body.at("/pod_counts/state").asString()));
        assertThat(counted.at("/pod_counts/uncounted_nodes").isNumber()).as("the snapshot knows its nodes").isTrue();
        assertThat(counted.at("/pod_counts/uncounted_nodes").asInt()).isZero();
        long generation = counted.at("/pod_counts/generation").asLong();

        String late = sim.addNode("node-late");
        sim.addPods(late, 3);

        JsonNode joined = await().atMost(WAIT).until(() -> api.json(NODES), body -> node(body, late) != null);
        assertThat(node(joined, late).get("pod_count").isNull()).as("not counted yet, not 0").isTrue();
        assertThat(joined.at("/pod_counts/uncounted_nodes").asInt()).isEqualTo(1);
        assertThat(joined.at("/pod_counts/generation").asLong()).isEqualTo(generation);
        assertThat(joined.at("/pod_counts/state").asString()).isEqualTo("fresh");
        JsonNode single = api.json("/api/v1/nodes/" + late + "?cluster_name=grow");
        assertThat(single.at("/data/pod_count").isNull()).isTrue();
        assertThat(single.at("/pod_counts/uncounted_nodes").asInt()).isEqualTo(1);

        JsonNode refreshed = refresh(api, generation);
        assertThat(node(refreshed, late).get("pod_count").asInt()).isEqualTo(3);
        assertThat(refreshed.at("/pod_counts/uncounted_nodes").asInt()).isZero();
        exactCounts(refreshed, sim);

        String repaired = sim.nodeNames().get(1);
        sim.recreateNode(repaired);

        JsonNode recreated = await().atMost(WAIT).until(() -> api.json(NODES),
                body -> node(body, repaired) != null && node(body, repaired).get("pod_count").isNull());
        assertThat(recreated.at("/pod_counts/uncounted_nodes").asInt()).isEqualTo(1);
        assertThat(recreated.get("data")).filteredOn(n -> !n.get("name").asString().equals(repaired))
                .allSatisfy(n -> assertThat(n.get("pod_count").isNumber()).isTrue());

        JsonNode again = refresh(api, refreshed.at("/pod_counts/generation").asLong());
        assertThat(again.at("/pod_counts/uncounted_nodes").asInt()).isZero();
        exactCounts(again, sim);
    }

    private static JsonNode refresh(ApiClient api, long generation) {
        assertThat(api.post("/api/v1/admin/clusters/grow/pod-counts/refresh", "Authorization", "Bearer " + TOKEN)
                .statusCode()).isEqualTo(202);
        Predicate<JsonNode> newer = body -> body.at("/pod_counts/generation").asLong() > generation;
        return await().atMost(WAIT).until(() -> api.json(NODES), newer);
    }

    private static void exactCounts(JsonNode body, SimulatedCluster sim) {
        assertThat(body.get("data")).hasSize(sim.nodeNames().size()).allSatisfy(n -> assertThat(n.get("pod_count")
                .asInt()).isEqualTo(sim.activePodsByNode().getOrDefault(n.get("name").asString(), 0)));
    }

    private static JsonNode node(JsonNode body, String name) {
        for (JsonNode node : body.get("data")) {
            if (node.get("name").asString().equals(name)) {
                return node;
            }
        }
        return null;
    }
}
