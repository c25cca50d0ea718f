package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.redis.RedisServer;
import io.podtally.k8s.sim.SimulatedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("three replicas with the near cache: warm requests make no Redis command")
@Timeout(180)
class NearCacheRequestsIT {

    private static final String CLUSTER = "near";
    private static final String KEY = "podtally:{near}:podcounts";
    private static final String NODES = "/api/v1/nodes?cluster_name=" + CLUSTER;
    private static final String TOKEN = "near-admin-token";
    /** What the replicas send on their own, whatever the requests: the tracking probe, the clock check. */
    private static final List<String> BACKGROUND = List.of("\"role\"", "\"time\"", "\"ping\"");

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster(CLUSTER, SimulatedCluster.builder().nodes(20).activePods(400).seed(5)
                    .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)))
            .replicas(3)
            .property("podtally.admin.token", TOKEN)
            .property("podtally.podcounts.mode", "paginated")
            .property("podtally.podcounts.warm-up", "false");

    @Test
    @DisplayName("1,000 warm requests over 3 replicas: no Redis command on their behalf (MONITOR)")
    void warmRequestsMakeNoCommand() throws Exception {
        List<Replica> replicas = deployment.replicas();
        awaitAllFresh(replicas);
        for (Replica replica : replicas) {
            await().atMost(Duration.ofSeconds(20)).until(() -> "tracking".equals(
                    replica.api().health(TOKEN).at("/components/clusters/details/store/near_cache").asString()));
            replica.api().json(NODES);
        }
        RedisServer redis = deployment.redis();
        Path log = Files.createTempFile("podtally-monitor", ".log");
        Process monitor = new ProcessBuilder("redis-cli", "-p", Integer.toString(redis.port()), "MONITOR")
                .redirectOutput(log.toFile()).redirectErrorStream(true).start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).startsWith("OK"));

            for (int i = 0; i < 1000; i++) {
                JsonNode body = replicas.get(i % 3).api().json(NODES);
                assertThat(body.at("/pod_counts/state").asString()).isEqualTo("fresh");
            }
            redis.cli("ECHO", "end-of-requests");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("end-of-requests"));
        } finally {
            monitor.destroy();
        }

        List<String> commands = Files.readAllLines(log).stream()
                .filter(line -> line.contains("] \""))
                .filter(line -> !line.contains("end-of-requests"))
                .toList();
        List<String> onBehalfOfRequests = commands.stream()
                .filter(line -> BACKGROUND.stream().noneMatch(line.toLowerCase(Locale.ROOT)::contains))
                .toList();
        assertThat(commands.stream().filter(line -> line.contains(KEY))).as("commands on %s", KEY).isEmpty();
        assertThat(onBehalfOfRequests).as("commands other than %s of %s", BACKGROUND, commandsByName(commands))
                .isEmpty();
    }

    @Test
    @DisplayName("a redis-cli HSET reaches every replica's copy within 2 s")
    void externalEditReachesEveryReplica() {
        List<Replica> replicas = deployment.replicas();
        awaitAllFresh(replicas);
        String node = replicas.get(0).api().json(NODES).get("data").get(0).get("name").asString();

        // A new @generation, as a hand edit must give: a replica rereads the counts of a generation it has not seen.
        String generation = deployment.redis().cli("HGET", KEY, "@generation").trim();
        deployment.redis().cli("HSET", KEY, node, "4242", "@generation", Long.toString(Long.parseLong(generation) + 1));

        for (Replica replica : replicas) {
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).until(() -> podCount(
                    replica.api().json(NODES), node) == 4242);
        }
    }

    private static int podCount(JsonNode body, String node) {
        for (JsonNode entry : body.get("data")) {
            if (entry.get("name").asString().equals(node)) {
                return entry.get("pod_count").isNull() ? -1 : entry.get("pod_count").asInt();
            }
        }
        return -1;
    }

    private static void awaitAllFresh(List<Replica> replicas) {
        for (Replica replica : replicas) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    "fresh".equals(replica.api().json(NODES).at("/pod_counts/state").asString()));
        }
    }

    private static Map<String, Integer> commandsByName(List<String> lines) {
        Map<String, Integer> byName = new TreeMap<>();
        for (String line : lines) {
            int start = line.indexOf("] \"") + 3;
            int end = line.indexOf('"', start);
            byName.merge(end > start ? line.substring(start, end) : line, 1, Integer::sum);
        }
        return byName;
    }
}
