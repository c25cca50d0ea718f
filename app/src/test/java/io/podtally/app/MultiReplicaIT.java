package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.redis.RedisServer;
import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("three replicas sharing one redis-server and one simulated cluster with slow pod pages")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiReplicaIT {

    private static final String CLUSTER = "shared";
    private static final String KEY = "podtally:{shared}:podcounts";
    private static final String NODES = "/api/v1/nodes?cluster_name=" + CLUSTER;
    private static final String TOKEN = "replica-admin-token";
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(30);

    // A fixed clock keeps the simulated metrics samples the same whenever a replica polls them.
    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster(CLUSTER, SimulatedCluster.builder().nodes(30).activePods(1200).seed(11)
                    .pageLatency(Duration.ofMillis(300))
                    .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)))
            .replicas(3)
            .property("podtally.admin.token", TOKEN)
            .property("podtally.podcounts.warm-up", "false")
            .property("podtally.podcounts.page-size", "200")
            .property("podtally.clusters.metrics-refresh-interval", "1s");

    private static RedisServer redis;
    private static SimulatedCluster sim;
    private static List<Replica> replicas;
    private static ExecutorService clients;

    @BeforeAll
    static void startClients() {
        redis = deployment.redis();
        sim = deployment.cluster();
        replicas = deployment.replicas();
        clients = Executors.newFixedThreadPool(9);
    }

    @AfterAll
    static void stopClients() {
        if (clients != null) {
            clients.shutdownNow();
        }
    }

    @Test
    @Order(1)
    @DisplayName("concurrent cold requests answer at once with loading; then all agree on the truth after one LIST")
    void coldStart() throws Exception {
        assertThat(redis.cli("EXISTS", KEY)).isEqualTo("0");
        sim.resetRequestCounts();

        List<Timed> cold = concurrently(3);

        for (Timed answer : cold) {
            assertThat(answer.elapsed()).isLessThan(Duration.ofMillis(1500));
            assertThat(names(answer.body())).containsExactlyElementsOf(sim.nodeNames());
            assertThat(answer.body().at("/pod_counts/state").asString()).isEqualTo("loading");
            assertThat(answer.body().get("data").valueStream()).allSatisfy(n -> assertThat(n.get("pod_count").isNull()).isTrue());
        }
        awaitAllAgreeOnTruth();
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_PAGES)).isGreaterThan(3);
    }

    @Test
    @Order(2)
    @DisplayName("redis-cli DEL makes every replica answer loading and causes exactly one more LIST")
    void deleteKey() throws Exception {
        awaitAllAgreeOnTruth();
        sim.resetRequestCounts();

        redis.cli("DEL", KEY);
        List<Timed> afterDelete = concurrently(2);

        for (Timed answer : afterDelete) {
            assertThat(answer.elapsed()).isLessThan(Duration.ofMillis(1500));
            assertThat(answer.body().at("/pod_counts/state").asString()).isEqualTo("loading");
        }
        awaitAllAgreeOnTruth();
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
    }

    @Test
    @Order(3)
    @DisplayName("an admin refresh on one replica is seen by the other two")
    void adminRefresh() {
        JsonNode before = awaitAllAgreeOnTruth();
        long generation = before.at("/pod_counts/generation").asLong();
        String fetchedAt = before.at("/pod_counts/fetched_at").asString();
        sim.resetRequestCounts();

        assertThat(replicas.get(0).api().post("/api/v1/admin/clusters/" + CLUSTER + "/pod-counts/refresh",
                "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(202);

        for (Replica other : replicas.subList(1, 3)) {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode body = other.api().json(NODES);
                assertThat(body.at("/pod_counts/generation").asLong()).isGreaterThan(generation);
                assertThat(body.at("/pod_counts/fetched_at").asString()).isNotEqualTo(fetchedAt);
            });
        }
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
    }

    @Test
    @Order(4)
    @DisplayName("with fresh counts one replica's ETag gets 304 from the other two; after a node changes every replica "
            + "answers 200 with a new tag, again the same on all three")
    void etagsAgreeAcrossReplicas() {
        awaitAllAgreeOnTruth();
        String before = awaitOthersConfirm(null);

        String node = sim.nodeNames().get(0);
        sim.setNodeReady(node, false);
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                List<String> tags = new ArrayList<>();
                for (Replica replica : replicas) {
                    HttpResponse<String> answer = replica.api().get(NODES, "If-None-Match", before);
                    assertThat(answer.statusCode()).isEqualTo(200);
                    assertThat(status(ApiClient.parse(answer.body()), node)).isEqualTo("NotReady");
                    tags.add(answer.headers().firstValue("ETag").orElseThrow());
                }
                assertThat(tags).doesNotContain(before).containsOnly(tags.get(0));
            });
            awaitOthersConfirm(before);
        } finally {
            sim.setNodeReady(node, true);
        }
    }

    /**
     * Waits until replica 0 answers 200 with metrics and a tag other than {@code previous}, and replicas 1 and 2
     * answer that tag with 304; returns the tag.
     */
    private static String awaitOthersConfirm(String previous) {
        String[] confirmed = new String[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> first = replicas.get(0).api().get(NODES);
            assertThat(first.statusCode()).isEqualTo(200);
            JsonNode body = ApiClient.parse(first.body());
            assertThat(body.at("/pod_counts/state").asString()).isEqualTo("fresh");
            assertThat(body.get("data").valueStream().filter(n -> "Ready".equals(n.get("status").asString())))
                    .isNotEmpty()
                    .allSatisfy(n -> assertThat(n.get("usage").isNull()).isFalse());
            String etag = first.headers().firstValue("ETag").orElseThrow();
            assertThat(etag).isNotEqualTo(previous);
            for (Replica other : replicas.subList(1, 3)) {
                HttpResponse<String> answer = other.api().get(NODES, "If-None-Match", etag);
                assertThat(answer.statusCode()).isEqualTo(304);
                assertThat(answer.headers().firstValue("ETag")).hasValue(etag);
                assertThat(answer.body()).isEmpty();
            }
            confirmed[0] = etag;
        });
        return confirmed[0];
    }

    private static String status(JsonNode body, String node) {
        return body.get("data").valueStream().filter(n -> node.equals(n.get("name").asString())).findFirst()
                .orElseThrow().get("status").asString();
    }

    /** Sends {@code perReplica} requests to every replica at the same moment. */
    private static List<Timed> concurrently(int perReplica) throws Exception {
        List<Callable<Timed>> calls = new ArrayList<>();
        for (Replica replica : replicas) {
            IntStream.range(0, perReplica).forEach(i -> calls.add(() -> {
                long started = System.nanoTime();
                JsonNode body = replica.api().json(NODES);
                return new Timed(body, Duration.ofNanos(System.nanoTime() - started));
            }));
        }
        List<Future<Timed>> futures = new ArrayList<>();
        calls.forEach(call -> futures.add(clients.submit(call)));
        List<Timed> answers = new ArrayList<>();
        for (Future<Timed> future : futures) {
            answers.add(future.get(ANSWER_LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        }
        return answers;
    }

    /** Waits until every replica answers fresh counts equal to the simulated cluster's, and they all agree. */
    private static JsonNode awaitAllAgreeOnTruth() {
        Map<String, Integer> truth = sim.activePodsByNode();
        List<JsonNode> bodies = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            bodies.clear();
            for (Replica replica : replicas) {
                JsonNode body = replica.api().json(NODES);
                assertThat(body.at("/pod_counts/state").asString()).isEqualTo("fresh");
                assertThat(counts(body)).isEqualTo(expected(truth));
                bodies.add(body);
            }
            assertThat(bodies).extracting(b -> b.at("/pod_counts/generation").asLong()).containsOnly(
                    bodies.get(0).at("/pod_counts/generation").asLong());
        });
        return bodies.get(0);
    }

    private static Map<String, Integer> expected(Map<String, Integer> truth) {
        Map<String, Integer> all = new HashMap<>();
        sim.nodeNames().forEach(name -> all.put(name, truth.getOrDefault(name, 0)));
        return all;
    }

    private static Map<String, Integer> counts(JsonNode body) {
        Map<String, Integer> counts = new HashMap<>();
        body.get("data").forEach(n -> counts.put(n.get("name").asString(),
                n.get("pod_count").isNull() ? null : n.get("pod_count").asInt()));
        return counts;
    }

    private static List<String> names(JsonNode body) {
        return body.get("data").valueStream().map(n -> n.get("name").asString()).toList();
    }

    private record Timed(JsonNode body, Duration elapsed) {
    }
}
