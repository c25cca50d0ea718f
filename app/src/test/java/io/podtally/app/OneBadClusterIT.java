package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.k8s.sim.SimulatedCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

@DisplayName("One bad cluster in the kubeconfig does not take the others down")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OneBadClusterIT {

    private static final String UNREACHABLE = "unreachable";
    private static final String LONG_NAME = "x".repeat(200);

    private static SimulatedCluster sim;
    private static Replica replica;

    @BeforeAll
    static void start() throws IOException {
        sim = SimulatedCluster.builder().nodes(4).activePods(40).seed(5).start();
        Path good = Files.createTempFile("podtally-good", ".yaml");
        sim.writeKubeconfig(good, "good");
        Path bad = Files.createTempFile("podtally-bad", ".yaml");
        Files.writeString(bad, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: closed
                  cluster:
                    server: http://127.0.0.1:%d
                users:
                - name: u
                  user:
                    token: bad-cluster-token
                contexts:
                - name: %s
                  context: {cluster: closed, user: u}
                - name: "my cluster"
                  context: {cluster: closed, user: u}
                - name: %s
                  context: {cluster: closed, user: u}
                """.formatted(closedPort(), UNREACHABLE, LONG_NAME));
        replica = Replica.start(Map.of(
                "podtally.clusters.kubeconfig", good + "," + bad,
                "podtally.clusters.informer-sync-timeout", "1s",
                "podtally.clusters.connect-timeout", "1s",
                "podtally.demo.enabled", "false",
                "podtally.store", "memory",
                "podtally.api.sync-wait", "5s",
                "podtally.api.retry-after", "3s"));
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static JsonNode cluster(String name) {
        for (JsonNode cluster : replica.api().json("/api/v1/clusters").get("data")) {
            if (name.equals(cluster.get("name").asString())) {
                return cluster;
            }
        }
        throw new AssertionError("no cluster " + name + " in /api/v1/clusters");
    }

    @Test
    @DisplayName("a cluster that never synced answers 503 with Retry-After at once once its sync deadline has passed")
    void neverSyncedClusterAnswers503AtOncePastTheSyncDeadline() {
        ApiClient api = replica.api();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/nodes?cluster_name=good").statusCode() == 200);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "degraded".equals(cluster(UNREACHABLE).at("/informer/state").asString()));

        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            HttpResponse<String> response = api.get("/api/v1/nodes?cluster_name=" + UNREACHABLE);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).as("answer time, with a sync wait of 5 s").isLessThan(Duration.ofMillis(1000));
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            JsonNode body = ApiClient.parse(response.body());
            assertThat(body.get("code").asInt()).isEqualTo(503);
            assertThat(body.get("message").asString()).contains(UNREACHABLE).contains("not loaded");
        }
        long started = System.nanoTime();
        assertThat(api.get("/api/v1/nodes/x?cluster_name=" + UNREACHABLE).statusCode()).isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1000));
        assertThat(api.json("/api/v1/nodes?cluster_name=good").get("data")).hasSize(sim.nodeNames().size());
    }

    @Test
    @DisplayName("why the unreachable cluster has no counts is in /api/v1/pod-counts and /api/v1/clusters; the "
            + "informer states and the age of the counts are gauges")
    void failureReasonAndSignals() {
        ApiClient api = replica.api();
        api.get("/api/v1/pod-counts?cluster_name=good");
        api.get("/api/v1/pod-counts?cluster_name=" + UNREACHABLE);

        JsonNode counts = await().atMost(Duration.ofSeconds(20)).until(
                () -> api.json("/api/v1/pod-counts?cluster_name=" + UNREACHABLE).get("data"),
                data -> !data.get("last_failure").isNull());
        assertThat(counts.get("state").asString()).isEqualTo("loading");
        assertThat(counts.at("/last_failure/category").asString()).isEqualTo("unreachable");
        assertThat(Instant.parse(counts.at("/last_failure/at").asString())).isBefore(Instant.now().plusSeconds(1));
        assertThat(cluster(UNREACHABLE).at("/pod_counts/last_failure/category").asString()).isEqualTo("unreachable");
        await().atMost(Duration.ofSeconds(20)).until(
                () -> "fresh".equals(cluster("good").at("/pod_counts/state").asString()));
        assertThat(cluster("good").at("/pod_counts/last_failure").isNull()).isTrue();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = api.get("/actuator/prometheus").body();
            assertThat(metrics)
                    .contains("podtally_informer_state{cluster=\"" + UNREACHABLE + "\",state=\"degraded\"} 1.0")
                    .contains("podtally_informer_state{cluster=\"" + UNREACHABLE + "\",state=\"synced\"} 0.0")
                    .contains("podtally_informer_state{cluster=\"good\",state=\"synced\"} 1.0")
                    .contains("podtally_metrics_state{cluster=\"good\",state=")
                    .containsPattern("podtally_podcounts_age_seconds\\{cluster=\"good\"} [0-9.]+");
        });
    }

    @Test
    @DisplayName("an odd context name does not abort start-up: the others are served, it is listed as rejected")
    void oddContextNameIsRejectedAndTheOthersServed() {
        ApiClient api = replica.api();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/nodes?cluster_name=good").statusCode() == 200);

        JsonNode body = api.json("/api/v1/clusters");

        assertThat(body.get("data").valueStream().map(c -> c.get("name").asString()))
                .containsExactly("good", UNREACHABLE);
        JsonNode rejected = body.get("rejected");
        assertThat(rejected.valueStream().map(c -> c.get("name").asString()))
                .containsExactly("my cluster", "x".repeat(64) + "...");
        assertThat(rejected.get(0).get("reason").asString()).contains("may contain only letters, digits");
        assertThat(rejected.get(1).get("reason").asString()).contains("longer than 128 characters");
        assertThat(api.get("/api/v1/nodes?cluster_name=my%20cluster").statusCode()).isEqualTo(400);
    }
}
