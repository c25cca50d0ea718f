package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.app.demo.DemoClusters;
import io.podtally.k8s.sim.SimulatedCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

@DisplayName("demo mode: no cluster configured")
class DemoModeIT {

    @Test
    @DisplayName("serves the simulated incident and large clusters, and stops them on shutdown")
    void demo() {
        List<Integer> simPorts;
        try (Replica replica = Replica.start(Map.of(
                "podtally.clusters.kubeconfig", "",
                "podtally.store", "memory",
                "podtally.podcounts.warm-up", "false"))) {
            ApiClient api = replica.api();

            JsonNode clusters = api.json("/api/v1/clusters").get("data");
            assertThat(clusters).extracting(cluster -> cluster.get("name").asString())
                    .containsExactly("incident", "large");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    api.get("/api/v1/nodes?cluster_name=incident").statusCode() == 200);
            JsonNode nodes = api.json("/api/v1/nodes?cluster_name=incident");
            assertThat(nodes.get("data")).hasSize(104);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                    "fresh".equals(api.json("/api/v1/pod-counts?cluster_name=incident").at("/data/state").asString()));
            JsonNode counts = api.json("/api/v1/pod-counts?cluster_name=incident").at("/data/counts");
            int total = StreamSupport.stream(counts.spliterator(), false).mapToInt(JsonNode::asInt).sum();
            assertThat(total).isEqualTo(2613);

            simPorts = replica.bean(DemoClusters.class).clusters().values().stream()
                    .map(SimulatedCluster::port).toList();
            assertThat(simPorts).hasSize(2).allSatisfy(port -> assertThat(listening(port)).isTrue());
        }
        assertThat(simPorts).allSatisfy(port -> assertThat(listening(port)).isFalse());
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
