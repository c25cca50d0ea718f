package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.redis.RedisServer;
import io.podtally.k8s.sim.SimulatedCluster;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

@DisplayName("GET /api/v1/events on two replicas sharing one redis-server and one simulated cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EventStreamIT {

    private static final String CLUSTER = "shared";
    private static final String KEY = "podtally:{shared}:podcounts";
    private static final String NODES = "/api/v1/nodes?cluster_name=" + CLUSTER;
    private static final String TOKEN = "events-admin-token";
    private static final Duration EVENT_WAIT = Duration.ofSeconds(15);
    private static final Duration HEARTBEAT_ON_B = Duration.ofSeconds(1);

    private static RedisServer redis;
    private static SimulatedCluster sim;
    private static Replica a;
    private static Replica b;
    private static Replica capped;
    private static final List<SseClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        redis = RedisServer.start();
        sim = SimulatedCluster.builder().nodes(12).activePods(240).seed(5)
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
                .start();
        Map<String, String> properties = Map.of(
                "podtally.admin.token", TOKEN,
                "podtally.podcounts.warm-up", "false",
                "podtally.clusters.metrics-refresh-interval", "1s");
        a = Replica.start(sim, CLUSTER, redis, properties);
        Map<String, String> onB = new HashMap<>(properties);
        onB.put("podtally.api.event-heartbeat", HEARTBEAT_ON_B.toSeconds() + "s");
        b = Replica.start(sim, CLUSTER, redis, onB);
        capped = Replica.start(sim, CLUSTER, redis, Map.of("podtally.podcounts.warm-up", "false",
                "podtally.api.max-event-streams", "2"));
        for (Replica replica : List.of(a, b, capped)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "synced".equals(replica.informerState(CLUSTER)));
        }
    }

    @AfterAll
    static void stop() {
        clients.forEach(SseClient::close);
        for (Replica replica : new Replica[] {a, b, capped}) {
            if (replica != null) {
                replica.close();
            }
        }
        if (sim != null) {
            sim.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(0)
    @DisplayName("GET /api/v1/features says whether admin is on and event streams are accepted")
    void features() {
        JsonNode withToken = a.api().json("/api/v1/features").get("data");
        JsonNode withoutToken = capped.api().json("/api/v1/features").get("data");

        assertThat(withToken.get("admin").asBoolean()).isTrue();
        assertThat(withToken.get("events").asBoolean()).isTrue();
        assertThat(withToken.get("max_page_size").asInt()).isEqualTo(5000);
        assertThat(withoutToken.get("admin").asBoolean()).isFalse();
    }

    @Test
    @Order(1)
    @DisplayName("a new stream starts with a state event: text/event-stream, not buffered by proxies, the list's ETag")
    void firstEventIsTheState() {
        SseClient stream = open(b, null);

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(stream.response().headers().firstValue("X-Accel-Buffering")).hasValue("no");
        SseClient.Event state = awaitEvents(stream, 1).get(0);
        assertThat(state.name()).isEqualTo("state");
        assertThat(state.id()).isNotBlank();
        assertThat(state.data().get("cluster").asString()).isEqualTo(CLUSTER);
        assertThat(state.data().get("node_count").asInt()).isEqualTo(12);
        awaitLatestEtagServed(stream, b);
    }

    @Test
    @Order(1)
    @DisplayName("an idle stream gets a :heartbeat comment every podtally.api.event-heartbeat (1 s on replica B)")
    void idleStreamGetsHeartbeats() {
        SseClient stream = open(b, null);
        awaitEvents(stream, 1);
        int before = stream.comments().size();

        await().atMost(Duration.ofSeconds(10)).until(() -> stream.comments().size() >= before + 4);

        List<SseClient.Comment> heartbeats = stream.comments().subList(before, before + 4);
        assertThat(heartbeats).extracting(SseClient.Comment::text).containsOnly("heartbeat");
        for (int i = 1; i < heartbeats.size(); i++) {
            Duration gap = Duration.ofNanos(heartbeats.get(i).receivedNanos() - heartbeats.get(i - 1).receivedNanos());
            assertThat(gap).as("gap before heartbeat %d", i)
                    .isBetween(HEARTBEAT_ON_B.dividedBy(2), HEARTBEAT_ON_B.multipliedBy(3));
        }
    }

    @Test
    @Order(2)
    @DisplayName("an admin refresh on replica A reaches a stream on replica B with the new generation and ETag")
    void writeOnAReachesB() {
        awaitFresh();
        SseClient stream = open(b, null);
        long generation = awaitEvents(stream, 1).get(0).data().at("/pod_counts/generation").asLong();

        HttpResponse<String> refresh = a.api().post("/api/v1/admin/clusters/" + CLUSTER + "/pod-counts/refresh",
                "Authorization", "Bearer " + TOKEN);
        assertThat(refresh.statusCode()).isEqualTo(202);

        SseClient.Event written = awaitEvent(stream,
                e -> e.data().at("/pod_counts/generation").asLong() > generation);
        assertThat(written.name()).isEqualTo("change");
        assertThat(written.data().get("changed").valueStream().map(JsonNode::asString)).contains("pod_counts");
        assertThat(written.data().at("/pod_counts/state").asString()).isEqualTo("fresh");
        awaitLatestEtagServed(stream, b);
    }

    /** Waits until the ETag of the stream's latest event is the one the replica's node list answers with 304. */
    private static void awaitLatestEtagServed(SseClient stream, Replica replica) {
        await().atMost(EVENT_WAIT).untilAsserted(() -> assertThat(replica.api()
                .get(NODES, "If-None-Match", stream.last().data().get("etag").asString()).statusCode()).isEqualTo(304));
    }

    @Test
    @Order(3)
    @DisplayName("redis-cli DEL of the counts reaches a stream on replica B as loading, generation 0")
    void redisDelReachesB() {
        awaitFresh();
        SseClient stream = open(b, null);
        awaitEvents(stream, 1);

        redis.cli("DEL", KEY);

        SseClient.Event deleted = awaitEvent(stream, e -> "loading".equals(e.data().at("/pod_counts/state").asString()));
        assertThat(deleted.name()).isEqualTo("change");
        assertThat(deleted.data().at("/pod_counts/generation").asLong()).isZero();
    }

    @Test
    @Order(4)
    @DisplayName("Last-Event-ID on the same replica resumes with exactly the events missed, node changes included")
    void lastEventIdResumes() {
        awaitFresh();
        SseClient watcher = open(a, null);
        SseClient leaving = open(a, null);
        awaitEvents(watcher, 1);
        String lastSeen = awaitEvents(leaving, 1).get(0).id();
        leaving.close();
        String node = sim.nodeNames().get(3);

        try {
            sim.setNodeLabel(node, "example.com/rack", "r1");
            await().atMost(EVENT_WAIT).until(() -> nodeChanges(watcher, lastSeen).size() == 1);
            sim.setNodeReady(node, false);
            await().atMost(EVENT_WAIT).until(() -> nodeChanges(watcher, lastSeen).size() == 2);
            List<SseClient.Event> missed = after(watcher, lastSeen);

            SseClient resumed = open(a, lastSeen);

            assertThat(awaitEvents(resumed, missed.size())).containsExactlyElementsOf(missed)
                    .allSatisfy(e -> assertThat(e.name()).isEqualTo("change"));
        } finally {
            sim.setNodeReady(node, true);
        }
    }

    /** The events of {@code client} after the one with id {@code id} (by sequence number). */
    private static List<SseClient.Event> after(SseClient client, String id) {
        long seq = sequenceOf(id);
        return client.events().stream().filter(e -> sequenceOf(e.id()) > seq).toList();
    }

    private static List<SseClient.Event> nodeChanges(SseClient client, String id) {
        return after(client, id).stream()
                .filter(e -> e.data().get("changed").valueStream().anyMatch(c -> "nodes".equals(c.asString())))
                .toList();
    }

    private static long sequenceOf(String id) {
        String[] parts = id.split("-");
        return Long.parseLong(parts[1]);
    }

    @Test
    @Order(5)
    @DisplayName("an id this replica cannot replay gets one reset, or nothing when its tag is the current one")
    void unknownIdGetsReset() {
        SseClient onB = open(b, null);
        awaitEvents(onB, 1);
        awaitLatestEtagServed(onB, b);
        String current = onB.last().id();
        String tag = current.substring(current.lastIndexOf('-') + 1);

        SseClient garbage = open(b, "not-a-token");
        SseClient stale = open(b, "zz-1-0123456789abcdef");
        SseClient foreignCurrent = open(b, "zz-1-" + tag);

        assertThat(awaitEvents(garbage, 1)).extracting(SseClient.Event::name).containsExactly("reset");
        assertThat(awaitEvents(stale, 1)).extracting(SseClient.Event::name).containsExactly("reset");
        awaitLatestEtagServed(stale, b);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
            assertThat(foreignCurrent.events()).extracting(SseClient.Event::name).doesNotContain("reset", "state");
            assertThat(foreignCurrent.ended()).isFalse();
        });
    }

    @Test
    @Order(6)
    @DisplayName("a missing, malformed or unknown cluster answers 400, 400 and 404 in JSON")
    void badClusters() {
        assertError(a.api().get("/api/v1/events"), 400);
        assertError(a.api().get("/api/v1/events?cluster_name=Not_A_Name%21"), 400);
        assertError(a.api().get("/api/v1/events?cluster_name=nowhere"), 404);
    }

    @Test
    @Order(7)
    @DisplayName("beyond podtally.api.max-event-streams a new stream answers 503 JSON with Retry-After")
    void capAnswers503() {
        awaitEvents(open(capped, null), 1);
        awaitEvents(open(capped, null), 1);

        HttpResponse<String> third = capped.api().get("/api/v1/events?cluster_name=" + CLUSTER,
                "Accept", "text/event-stream");

        assertError(third, 503);
        assertThat(third.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
    }

    @Test
    @Order(8)
    @DisplayName("shutting a replica down ends its streams at once instead of waiting for the graceful timeout")
    void shutdownEndsStreams() {
        List<SseClient> open = clients.stream().filter(c -> c.status() == 200 && !c.ended()
                && SseClient.portOf(capped) == portOf(c)).toList();
        assertThat(open).hasSize(2);
        long started = System.nanoTime();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(capped::close);

        await().atMost(Duration.ofSeconds(10)).until(() -> open.stream().allMatch(SseClient::ended));
        await().atMost(Duration.ofSeconds(20)).until(closing::isDone);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        capped = null;
    }

    private static int portOf(SseClient client) {
        return client.response().uri().getPort();
    }

    private static SseClient open(Replica replica, String lastEventId) {
        SseClient client = SseClient.open(replica, CLUSTER, lastEventId);
        clients.add(client);
        return client;
    }

    private static List<SseClient.Event> awaitEvents(SseClient client, int count) {
        await().atMost(EVENT_WAIT).until(() -> client.events().size() >= count);
        return client.events().subList(0, count);
    }

    private static SseClient.Event awaitEvent(SseClient client, java.util.function.Predicate<SseClient.Event> match) {
        await().atMost(EVENT_WAIT).until(() -> client.events().stream().anyMatch(match));
        return client.events().stream().filter(match).findFirst().orElseThrow();
    }

    private static void awaitFresh() {
        await().atMost(Duration.ofSeconds(20)).until(
                () -> "fresh".equals(a.api().json(NODES).at("/pod_counts/state").asString()));
    }

    private static void assertError(HttpResponse<String> answer, int status) {
        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = ApiClient.parse(answer.body());
        assertThat(body.get("code").asInt()).isEqualTo(status);
        assertThat(body.get("message").asString()).isNotBlank();
    }
}
